#!/usr/bin/env python3
"""Generates the synthetic demo data Config/demo/participants.csv and Config/demo/staff.csv.

Every name is invented (common Kazakh and Russian names combined at random); no real person is described.
Deterministic: a fixed seed and a fixed reference day (2026-11-25), so running it again gives the same files.
Stdlib only. Usage: Scripts/generate-demo-data.py [OUTPUT_DIR]   (default: Config/demo next to this script)

The files are imported by `homeward import participants|staff FILE.csv` after the centres AKT-RC (Aktau
residential rehabilitation centre), ALM-NGO (NGO children's day centre, Almaty) and KAR-PRISON exist.
"""

import csv
import datetime as dt
import os
import random
import sys

SEED = 20261125
REFERENCE_DAY = dt.date(2026, 11, 25)

REGIONS = ["Atyrau", "West Kazakhstan", "Mangystau", "Aktobe", "Karaganda", "Almaty", "Turkistan", "Zhambyl",
           "Kyzylorda", "East Kazakhstan", "Pavlodar", "Kostanay", "Shymkent", "Astana"]

WOMEN_GIVEN = ["Айгерім", "Әсел", "Гүлнар", "Жанар", "Мадина", "Динара", "Салтанат", "Әйгерім", "Қарлығаш", "Гүлмира",
               "Нұргүл", "Ақбота", "Самал", "Жұлдыз", "Меруерт", "Әлия", "Бибігүл", "Зарина", "Анна", "Елена", "Ольга",
               "Наталья"]
MEN_GIVEN = ["Ерлан", "Нұрлан", "Асқар", "Бауыржан", "Дәулет", "Қайрат", "Серік", "Ержан", "Мұрат", "Талғат", "Әділет",
             "Өркен", "Қанат", "Ғалым", "Дмитрий", "Алексей", "Руслан", "Тимур"]
GIRLS_GIVEN = ["Айша", "Мариям", "Хадиша", "Зайнаб", "Амина", "Фатима", "Асма", "Сафия", "Әйша", "Раяна", "Томирис",
               "Аружан", "Ақниет", "Жасмин"]
BOYS_GIVEN = ["Әли", "Омар", "Юсуф", "Ибраһим", "Мұхаммед", "Хамза", "Абдулла", "Айсұлтан", "Нұрислам", "Ақжол",
              "Біләл", "Ахмад", "Әмір", "Санжар"]
# Family names as (male form, female form).
FAMILY = [("Нұрланов", "Нұрланова"), ("Қасымов", "Қасымова"), ("Әбенов", "Әбенова"), ("Төлеуов", "Төлеуова"),
          ("Жұмабаев", "Жұмабаева"), ("Сейітов", "Сейітова"), ("Омаров", "Омарова"), ("Ахметов", "Ахметова"),
          ("Беков", "Бекова"), ("Исаев", "Исаева"), ("Өтебаев", "Өтебаева"), ("Қожахметов", "Қожахметова"),
          ("Сәрсенбаев", "Сәрсенбаева"), ("Дүйсенов", "Дүйсенова"), ("Смирнов", "Смирнова"), ("Волков", "Волкова"),
          ("Козлов", "Козлова"), ("Морозов", "Морозова")]
FATHERS = ["Серік", "Болат", "Нұржан", "Ерболат", "Қайрат", "Жақсылық", "Мұхтар", "Әлібек"]
RUSSIAN_PATRONYMIC = {"female": ["Ивановна", "Сергеевна", "Петровна"], "male": ["Иванович", "Сергеевич", "Петрович"]}

PARTICIPANT_COLUMNS = ["case_number", "given_name", "family_name", "patronymic", "birth_date", "sex", "languages",
                       "region_of_origin", "legal_situation", "sentence_ends_on", "status", "returned_on", "centre",
                       "placed_from"]
STAFF_COLUMNS = ["code", "given_name", "family_name", "roles", "centres", "languages", "may_work_with_children",
                 "weekly_hour_limit"]


def birth_date(rng, age_low, age_high):
    """A birth date giving an age between age_low and age_high (inclusive) on the reference day."""
    latest = REFERENCE_DAY.replace(year=REFERENCE_DAY.year - age_low)
    earliest = REFERENCE_DAY.replace(year=REFERENCE_DAY.year - age_high - 1) + dt.timedelta(days=1)
    return earliest + dt.timedelta(days=rng.randrange((latest - earliest).days + 1))


def between(rng, first, last):
    """A day between first and last, inclusive."""
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def russian(name):
    return name in ("Анна", "Елена", "Ольга", "Наталья", "Дмитрий", "Алексей", "Смирнов", "Волков", "Козлов", "Морозов")


def person(rng, sex, given_names):
    """(given, family, patronymic) in the right gendered forms."""
    given = rng.choice(given_names)
    family_pair = rng.choice(FAMILY[-4:] if russian(given) else FAMILY[:-4])
    family = family_pair[1] if sex == "female" else family_pair[0]
    if russian(given):
        patronymic = rng.choice(RUSSIAN_PATRONYMIC[sex])
    elif rng.random() < 0.6:
        patronymic = rng.choice(FATHERS) + ("қызы" if sex == "female" else "ұлы")
    else:
        patronymic = ""
    return given, family, patronymic


def adult_languages(rng, given):
    if russian(given):
        return "ru"
    return rng.choices(["kk;ru", "ru;kk", "ru", "kk"], weights=[70, 10, 12, 8])[0]


def participants(rng):
    rows = []
    counters = {}

    def case_number(returned):
        counters[returned.year] = counters.get(returned.year, 0) + 1
        return f"KZ-{returned.year}-{counters[returned.year]:04d}"

    def row(given, family, patronymic, born, sex, languages, region, legal, sentence, status, returned, centre, placed):
        rows.append({
            "case_number": case_number(returned), "given_name": given, "family_name": family, "patronymic": patronymic,
            "birth_date": born.isoformat(), "sex": sex, "languages": languages, "region_of_origin": region,
            "legal_situation": legal, "sentence_ends_on": sentence.isoformat() if sentence else "", "status": status,
            "returned_on": returned.isoformat(), "centre": centre, "placed_from": placed.isoformat(),
        })

    # The group of 14 children returned together from Iraq on 2025-11-27, aged 2 to 10, from Atyrau and Uralsk.
    iraq_return = dt.date(2025, 11, 27)
    for index in range(14):
        sex = "female" if index % 2 == 0 else "male"
        given, family, _ = person(rng, sex, GIRLS_GIVEN if sex == "female" else BOYS_GIVEN)
        age = 2 + index * 8 // 13  # spreads the group over ages 2..10
        born = birth_date(rng, age, age)
        languages = rng.choices(["ar", "kk;ar", "ar;kk", "kk;ru"], weights=[40, 35, 10, 15])[0]
        region = "Atyrau" if index % 3 != 2 else "West Kazakhstan"
        centre, status = ("AKT-RC", "residential_rehabilitation") if age <= 5 else ("ALM-NGO", "in_community")
        row(given, family, "", born, sex, languages, region, "free", None, status, iraq_return, centre, iraq_return)

    # 40 women, 18-45, in the residential centre by the Caspian.
    for _ in range(40):
        given, family, patronymic = person(rng, "female", WOMEN_GIVEN)
        returned = between(rng, dt.date(2026, 9, 28), dt.date(2026, 11, 20))
        legal = rng.choices(["free", "under_investigation"], weights=[85, 15])[0]
        row(given, family, patronymic, birth_date(rng, 18, 45), "female", adult_languages(rng, given),
            rng.choice(REGIONS), legal, None, "residential_rehabilitation", returned, "AKT-RC", returned)

    # 46 more children, 2-17: the youngest and recent returns in the residential centre, the others at the NGO.
    for _ in range(46):
        sex = rng.choice(["female", "male"])
        given, family, _ = person(rng, sex, GIRLS_GIVEN if sex == "female" else BOYS_GIVEN)
        age = rng.randint(2, 17)
        recent = rng.random() < 0.55
        returned = between(rng, dt.date(2026, 9, 28), dt.date(2026, 11, 20)) if recent else \
            between(rng, dt.date(2025, 3, 1), dt.date(2026, 6, 30))
        languages = rng.choices(["kk;ru", "ru;kk", "ru", "ar", "kk;ar"], weights=[60, 8, 14, 6, 12])[0]
        if age <= 6 or recent:
            centre, status = "AKT-RC", "residential_rehabilitation"
        else:
            centre, status = "ALM-NGO", "in_community"
        row(given, family, "", birth_date(rng, age, age), sex, languages, rng.choice(REGIONS), "free", None, status,
            returned, centre, returned)

    # 20 men, 22-50, convicted, following education programmes in prison.
    for _ in range(20):
        given, family, patronymic = person(rng, "male", MEN_GIVEN)
        returned = between(rng, dt.date(2019, 5, 10), dt.date(2024, 12, 31))
        sentence_ends = between(rng, dt.date(2028, 1, 1), dt.date(2033, 12, 31))
        placed = returned + dt.timedelta(days=rng.randint(30, 240))
        row(given, family, patronymic, birth_date(rng, 22, 50), "male", adult_languages(rng, given),
            rng.choice(REGIONS), "convicted", sentence_ends, "in_prison", returned, "KAR-PRISON", placed)

    rows.sort(key=lambda r: r["case_number"])
    return rows


def staff(rng):
    # (role list, centres, may work with children, count)
    plan = [
        ("religious_expert", "AKT-RC", True, 4),
        ("psychologist", "AKT-RC", True, 4),
        ("paediatric_psychologist", "AKT-RC", True, 2),
        ("paediatric_psychologist", "AKT-RC;ALM-NGO", True, 1),
        ("paediatric_psychologist", "ALM-NGO", True, 3),
        ("social_worker", "AKT-RC", True, 2),
        ("social_worker", "ALM-NGO", True, 2),
        ("teacher", "AKT-RC", True, 1),
        ("teacher;social_worker", "ALM-NGO", True, 1),
        ("psychologist", "KAR-PRISON", False, 2),
        ("religious_expert", "KAR-PRISON", False, 2),
        ("teacher", "KAR-PRISON", False, 2),
        ("vocational_trainer", "KAR-PRISON", False, 2),
        ("social_worker;lawyer", "KAR-PRISON", False, 1),
        ("psychologist;religious_expert", "AKT-RC", True, 1),
        # Added later (codes ST-031…): the residential centre needs more counsellors for 40 women twice a week,
        # and the community follow-up needs vocational training and legal advice.
        ("psychologist", "AKT-RC", True, 3),
        ("religious_expert", "AKT-RC", True, 1),
        ("psychologist;religious_expert", "ALM-NGO", True, 1),
        ("vocational_trainer", "AKT-RC;ALM-NGO", False, 1),
        ("lawyer;social_worker", "AKT-RC", False, 1),
    ]
    rows = []
    for roles, centres, children, count in plan:
        for _ in range(count):
            sex = rng.choice(["female", "male"]) if "KAR" in centres else rng.choices(["female", "male"], [75, 25])[0]
            given, family, _ = person(rng, sex, WOMEN_GIVEN if sex == "female" else MEN_GIVEN)
            rows.append({
                "code": f"ST-{len(rows) + 1:03d}", "given_name": given, "family_name": family, "roles": roles,
                "centres": centres, "languages": adult_languages(rng, given),
                "may_work_with_children": "true" if children else "false",
                "weekly_hour_limit": rng.choice(["20", "24", "30", "32", "36", "40", "12.5"]),
            })
    # Arabic is scarce: one religious expert at the residential centre and one paediatric psychologist.
    for row in rows:
        if row["roles"] == "religious_expert" and row["centres"] == "AKT-RC":
            row["languages"] = "kk;ru;ar"
            break
    for row in rows:
        if row["roles"] == "paediatric_psychologist" and row["centres"] == "AKT-RC;ALM-NGO":
            row["languages"] = "kk;ar;ru"
            break
    return rows


FAMILY_COLUMNS = ["label", "members", "head", "relative_given_name", "relative_family_name", "relationship"]


def families(people, rng):
    """Households for family sessions: mothers with the children returned with them, and the children of the
    2025-11-27 group (mothers still in prison abroad) placed with grandmothers and aunts, grouped by centre.

    `head` is the mother's case number, or empty when the guardian is a relative who is not a participant."""
    rows = []
    iraq = [p for p in people if p["returned_on"] == "2025-11-27"]
    for centre in ("AKT-RC", "ALM-NGO"):
        group = [p for p in iraq if p["centre"] == centre]
        for start in range(0, len(group), 3):
            members = group[start:start + 3]
            relationship = rng.choice(["grandmother", "aunt"])
            surname = members[0]["family_name"]
            surname = surname if surname.endswith("а") else surname + "а"
            given = rng.choice(WOMEN_GIVEN)
            rows.append({"label": f"{given} {surname}'s household ({relationship})",
                         "members": ";".join(m["case_number"] for m in members), "head": "",
                         "relative_given_name": given, "relative_family_name": surname, "relationship": relationship})
    women = [p for p in people if p["sex"] == "female" and p["centre"] == "AKT-RC" and p["birth_date"] < "2008-11-25"]
    children = [p for p in people if p["centre"] == "AKT-RC" and p["returned_on"] >= "2026-09-01" and p["birth_date"] >= "2008-11-26"]
    for woman in women:
        if not children or rng.random() < 0.35:
            continue
        own = [children.pop(0) for _ in range(min(len(children), rng.choice([1, 1, 2])))]
        rows.append({"label": f"{woman['family_name']} family", "members": ";".join([woman["case_number"]] + [c["case_number"] for c in own]),
                     "head": woman["case_number"], "relative_given_name": "", "relative_family_name": "", "relationship": "mother"})
    return rows


def write(path, columns, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "Config", "demo")
    os.makedirs(out, exist_ok=True)
    rng = random.Random(SEED)
    people = participants(rng)
    team = staff(rng)
    write(os.path.join(out, "participants.csv"), PARTICIPANT_COLUMNS, people)
    write(os.path.join(out, "staff.csv"), STAFF_COLUMNS, team)
    households = families(people, random.Random(SEED + 1))
    write(os.path.join(out, "families.csv"), FAMILY_COLUMNS, households)
    print(f"wrote {len(people)} participants and {len(team)} staff members to {os.path.normpath(out)}", file=sys.stderr)


if __name__ == "__main__":
    main()
