import Foundation
import Postgres
import TestSupport
import Testing

/// The audit trigger of 0032 builds each row's record from the table's columns; it records exactly what 0005's way of
/// building it (JSON of the row, taken apart again) recorded, for inserts, deletes and updates.
@Suite struct AuditRowsTests {
    /// A table with a two-column key, a participant, a NULL value and more columns than one jsonb_build_object call holds.
    static let probe: String = {
        let extra = (1...45).map { "c\($0) int DEFAULT \($0)" }.joined(separator: ", ")
        return """
            CREATE TABLE homeward.audit_probe (a int, b text, participant_id bigint, note text, during tstzrange,
                                               tags text[], ratio numeric, yes boolean, seen timestamptz, doc jsonb, \(extra),
                                               PRIMARY KEY (a, b));
            CREATE TRIGGER audit_probe_insert AFTER INSERT ON homeward.audit_probe REFERENCING NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION audit.record_changes();
            CREATE TRIGGER audit_probe_update AFTER UPDATE ON homeward.audit_probe REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION audit.record_changes();
            CREATE TRIGGER audit_probe_delete AFTER DELETE ON homeward.audit_probe REFERENCING OLD TABLE AS old_rows
                FOR EACH STATEMENT EXECUTE FUNCTION audit.record_changes();
            """
    }()

    /// 0005's record of `operation` ('insert' or 'delete') for the rows now in the probe table.
    static let recordOf0005 = """
        SELECT 'homeward.audit_probe' AS table_name, (SELECT jsonb_object_agg(c, r.j -> c) FROM unnest(ARRAY['a', 'b']) c) AS primary_key,
               $1::text AS operation, (r.j ->> 'participant_id')::bigint AS participant_id,
               (SELECT jsonb_object_agg(e.key, CASE $1 WHEN 'insert' THEN jsonb_build_object('old', NULL, 'new', e.value)
                                                       ELSE jsonb_build_object('old', e.value, 'new', NULL) END)
                FROM jsonb_each(r.j) e) AS changed
        FROM (SELECT to_jsonb(x) AS j FROM homeward.audit_probe x) r
        """

    static let recorded = """
        SELECT table_name, primary_key, operation, participant_id, changed FROM audit.changes
        WHERE table_name = 'homeward.audit_probe' AND operation = $1
        """

    /// Rows of `left` missing from `right`, counted with their multiplicity.
    static func missing(_ connection: Connection, _ left: String, _ right: String, _ operation: String) throws -> Int {
        try connection.query("SELECT count(*)::int FROM (\(left) EXCEPT ALL \(right)) d", [operation]).scalar(Int.self)
    }

    @Test func insertsAndDeletesAreRecordedAs0005RecordedThem() throws {
        try TestDatabase.withMigrated { database in
            let connection = try database.connect()
            try connection.runScript(Self.probe)
            try connection.execute(
                """
                INSERT INTO homeward.audit_probe (a, b, participant_id, note, during)
                VALUES (1, 'x', 7, NULL, tstzrange('2026-01-05 09:00+00', '2026-01-05 10:00+00')),
                       (2, 'y', NULL, 'it''s "quoted"', NULL), (3, 'z', 9, 'three', 'empty')
                """)
            // Values whose JSON text needs escaping or is not a string (0042 writes the record as JSON text).
            try connection.execute(
                #"""
                INSERT INTO homeward.audit_probe (a, b, participant_id, note, tags, ratio, yes, seen, doc)
                VALUES (4, E'w\\"\n', 11, E'back\\slash, tab\t, Мадина \u00e9', '{a,"b c",NULL}', 1.50, true,
                        '2026-01-05 09:00+05', '{"k": [1, "два", null], "": {}}')
                """#)
            #expect(try connection.query(Self.recorded, ["insert"]).rows.count == 4)
            #expect(try Self.missing(connection, Self.recordOf0005, Self.recorded, "insert") == 0)
            #expect(try Self.missing(connection, Self.recorded, Self.recordOf0005, "insert") == 0)

            // The expected delete records are computed before the rows go.
            try connection.execute("CREATE TABLE expected_deletes AS \(Self.recordOf0005.replacingOccurrences(of: "$1", with: "'delete'"))")
            try connection.execute("DELETE FROM homeward.audit_probe")
            let expected = "SELECT * FROM expected_deletes WHERE $1::text IS NOT NULL"
            #expect(try connection.query(Self.recorded, ["delete"]).rows.count == 4)
            #expect(try Self.missing(connection, expected, Self.recorded, "delete") == 0)
            #expect(try Self.missing(connection, Self.recorded, expected, "delete") == 0)
        }
    }

    @Test func anUpdateRecordsOnlyWhatChangedAndAnUnchangedRowNothing() throws {
        try TestDatabase.withMigrated { database in
            let connection = try database.connect()
            try connection.runScript(Self.probe)
            try connection.execute("INSERT INTO homeward.audit_probe (a, b, participant_id, note) VALUES (1, 'x', 7, NULL), (2, 'y', 8, 'n')")
            try connection.execute("UPDATE homeward.audit_probe SET note = CASE a WHEN 1 THEN 'now set' ELSE note END")
            let changes = try connection.query(
                "SELECT primary_key::text, participant_id, changed::text FROM audit.changes WHERE table_name = 'homeward.audit_probe' AND operation = 'update'")
            #expect(changes.rows.count == 1)
            let row = try #require(changes.rows.first)
            #expect(try row.decode(0) == #"{"a": 1, "b": "x"}"#)
            #expect(try row.decode(1) == 7)
            #expect(try row.decode(2) == #"{"note": {"new": "now set", "old": null}}"#)

            // A row whose key changed shows as an unpaired old and new, every column in each.
            try connection.execute("UPDATE homeward.audit_probe SET b = 'w' WHERE a = 2")
            let moved = try connection.query(
                """
                SELECT primary_key::text, changed -> 'b' ->> 'old', changed -> 'b' ->> 'new', changed -> 'note' ->> 'old',
                       changed -> 'note' ->> 'new', (SELECT count(*)::int FROM jsonb_object_keys(changed))
                FROM audit.changes WHERE table_name = 'homeward.audit_probe' AND operation = 'update' AND primary_key ->> 'a' = '2'
                ORDER BY primary_key ->> 'b'
                """).rows
            #expect(moved.count == 2)
            #expect(try moved.map { try $0.decode(0) as String } == [#"{"a": 2, "b": "w"}"#, #"{"a": 2, "b": "y"}"#])
            #expect(try moved[0].decode(1) as String? == nil)
            #expect(try moved[0].decode(2) as String? == "w")
            #expect(try moved[1].decode(1) as String? == "y")
            #expect(try moved[1].decode(2) as String? == nil)
            #expect(try moved[1].decode(3) as String? == "n")
            #expect(try moved.map { try $0.decode(5) as Int } == [55, 55])
        }
    }
}
