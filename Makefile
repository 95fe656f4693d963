# Homeward — the two commands: `make demo` and `make test`. Both install what is missing on Debian (as root).
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)

.PHONY: deps build demo test test-dates flags-eval bench bench-exact bench-scale faults db-start db-stop clean

## Install the system packages Homeward needs (PostgreSQL server and client, libpq-dev, pkg-config).
deps:
	@Scripts/install-deps

## Build the homeward CLI (debug).
build: deps
	swift build --product homeward

## Start a throwaway local Postgres, migrate, load the demo programme and run the main job.
demo: build
	@Scripts/postgres-local start
	@eval "$$(Scripts/postgres-local env)" && Scripts/demo

## Start a fresh throwaway cluster, run every test against it, stop it; non-zero on any failure.
test: deps
	@Scripts/run-tests

## The whole suite again with the clocks of the database server and the tests shifted (libfaketime) to two later
## moments, six months apart: one at 21:45 UTC, already the next day in Asia/Almaty, one in the small hours.
## Nothing may depend on the day it runs. StallTests (server-side lock and statement timeouts, cancel on a signal)
## run in `make test` only: under libfaketime the server's waits never wake for its own timers, so a lock timeout
## never fires; those tests are about waiting, not about the date. So is WriteConflictTests' killed run: the server's
## check for a vanished client (client_connection_check_interval) is such a timer. So is ParticipantLockTests' test
## that a writer waits for another's lock (it gives up through lock_timeout).
TEST_DATES ?= 2027-03-15 21:45:00|2027-09-20 03:10:00
test-dates: deps
	@dates='$(TEST_DATES)'; IFS='|'; for when in $$dates; do HOMEWARD_FAKETIME="$$when" Scripts/run-tests --skip 'StallTests|aKilledRunLeavesNoLockBehind|writersOfAnySizeCountAPersonOneAfterTheOther' || exit 1; done

## Measure the flag rules on a labelled generated history (Scripts/flags-eval): precision, recall and lead time per
## rule into Benchmarks/RESULTS.md. Deterministic: fixed seed, a pinned reference day (homeward.today).
flags-eval: build
	@Scripts/postgres-local start
	@eval "$$(Scripts/postgres-local env)" && Scripts/flags-eval

## The scheduler against the exact CP-SAT optimum on five shapes (groups, families, school hours, many languages, heavy
## leave) and the standard scenario at 200: Benchmarks/SchedulerBenchmark/compare-shapes.sh, which pip-installs ortools
## when missing, checks both plans with the scheduler's checker and writes the table (about 12 minutes, 60 s per case).
bench-exact: deps
	@Benchmarks/SchedulerBenchmark/compare-shapes.sh

## National scale (Scripts/bench): generated worlds (`homeward demo generate`) at BENCH_SIZES participants (default
## "1000 10000"; add 100000 for the issue's top size), four weeks of history, release build, its own throwaway cluster in
## .pg-bench; the nightly and its phases with peak RSS, the coordinators' commands, import against \copy, median of 3,
## and the plans of the three slowest statements, into Benchmarks/RESULTS.md and Benchmarks/growth.png.
BENCH_SIZES ?= 1000 10000
bench-scale: deps
	@BENCH_SIZES='$(BENCH_SIZES)' Scripts/bench

## Every benchmark that writes Benchmarks/RESULTS.md.
bench: flags-eval bench-scale bench-exact

## The nightly under faults (Scripts/faults, a few minutes, its own throwaway cluster in .pg-faults): SIGKILL at random
## moments, a server fast-stop mid-run, 8 concurrent coordinators writing during nightlies. One figure line each.
faults: build
	@Scripts/faults

db-start: deps
	@Scripts/postgres-local start && Scripts/postgres-local env

db-stop:
	@Scripts/postgres-local stop

clean:
	@Scripts/postgres-local destroy
	@PG_LOCAL_DIR=.pg-test Scripts/postgres-local destroy
	@PG_LOCAL_DIR=.pg-faults Scripts/postgres-local destroy
	@PG_LOCAL_DIR=.pg-bench Scripts/postgres-local destroy
	rm -rf .build
