import Foundation
import Homeward
import Yams

/// Every programme template and prison education course of a folder (`Config/programmes`), loaded and checked.
///
/// Loading never stops at the first problem: all files are read and every problem is reported, so one run of
/// `programme sync` shows the whole list; nothing is written unless the catalogue is clean.
public struct ProgrammeCatalogue: Sendable {
    /// A programme template and the file it came from.
    public struct ProgrammeEntry: Sendable {
        public var file: String
        public var template: ProgrammeTemplate
    }

    /// A course and the file it came from.
    public struct CourseEntry: Sendable {
        public var file: String
        public var template: CourseTemplate
    }

    public var programmes: [ProgrammeEntry]
    public var courses: [CourseEntry]

    /// The file a programme code came from, for messages.
    public func file(ofProgramme code: String) -> String { programmes.first { $0.template.code == code }?.file ?? "?" }

    /// The file a course code came from, for messages.
    public func file(ofCourse code: String) -> String { courses.first { $0.template.code == code }?.file ?? "?" }

    /// Reads every `*.yaml` / `*.yml` file of `folder` (in name order) and validates them all.
    public static func load(from folder: URL) throws(ProgrammeCatalogueError) -> ProgrammeCatalogue {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        } catch {
            throw ProgrammeCatalogueError(problems: [
                CatalogueProblem(file: folder.path, record: nil, field: "folder", value: folder.path, reason: "cannot be read")
            ])
        }
        var files: [(name: String, text: String)] = []
        var problems: [CatalogueProblem] = []
        for name in names {
            let path = folder.appendingPathComponent(name).path
            if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size > YAMLLimits.maxBytes {
                problems.append(CatalogueProblem(
                    file: name, record: nil, field: "the file", value: nil,
                    reason: "is \(size.grouped) bytes; at most \(YAMLLimits.maxBytes.grouped) are accepted"))
                continue
            }
            do {
                files.append((name, try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)))
            } catch {
                problems.append(CatalogueProblem(file: name, record: nil, field: "file", value: name, reason: "cannot be read as UTF-8 text"))
            }
        }
        if names.isEmpty {
            problems.append(CatalogueProblem(file: folder.path, record: nil, field: "folder", value: folder.path, reason: "holds no .yaml files"))
        }
        let catalogue = try parse(files: files, earlierProblems: problems)
        return catalogue
    }

    /// Decodes and validates already-read files (name, text); throws with every problem found.
    public static func parse(
        files: [(name: String, text: String)], earlierProblems: [CatalogueProblem] = []
    ) throws(ProgrammeCatalogueError) -> ProgrammeCatalogue {
        var problems = earlierProblems
        var catalogue = ProgrammeCatalogue(programmes: [], courses: [])
        for (name, text) in files {
            if let violation = YAMLLimits.check(text) {
                problems.append(CatalogueProblem(file: name, record: "line \(violation.line)", field: "the file", value: nil, reason: violation.reason))
                continue
            }
            let tree: Any?
            do {
                tree = try Yams.load(yaml: text)
            } catch {
                let firstLine = String(describing: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
                problems.append(CatalogueProblem(file: name, record: nil, field: "yaml", value: name, reason: "is not valid YAML: \(firstLine)"))
                continue
            }
            guard let mapping = tree as? [String: Any] else {
                problems.append(CatalogueProblem(file: name, record: nil, field: "yaml", value: name,
                                                 reason: "must be a mapping with a programme (code, phases…) or a courses: list"))
                continue
            }
            if mapping["courses"] != nil {
                do {
                    let file = try YAMLDecoder().decode(CourseFile.self, from: text)
                    for course in file.courses {
                        problems += courseProblems(course).map { CatalogueProblem(file: name, $0) }
                        catalogue.courses.append(CourseEntry(file: name, template: course))
                    }
                } catch {
                    problems.append(decodingProblem(error, file: name, tree: mapping))
                }
            } else {
                do {
                    let template = try YAMLDecoder().decode(ProgrammeTemplate.self, from: text)
                    problems += (template.validationErrors() + extraProblems(template)).map { CatalogueProblem(file: name, $0) }
                    catalogue.programmes.append(ProgrammeEntry(file: name, template: template))
                } catch {
                    problems.append(decodingProblem(error, file: name, tree: mapping))
                }
            }
        }
        problems += duplicates(catalogue.programmes.map { ($0.file, $0.template.code) }, what: "programme")
        problems += duplicates(catalogue.courses.map { ($0.file, $0.template.code) }, what: "course")
        guard problems.isEmpty else { throw ProgrammeCatalogueError(problems: problems) }
        return catalogue
    }

    /// The top level of `prison-education-courses.yaml`.
    private struct CourseFile: Decodable {
        var courses: [CourseTemplate]
    }

    /// Rules the database holds that `ProgrammeTemplate.validationErrors()` leaves out: code formats, names, ages.
    private static func extraProblems(_ template: ProgrammeTemplate) -> [InvalidInput] {
        var errors: [InvalidInput] = []
        requireText(template.name, record: template.code, field: "name", into: &errors)
        for phase in template.phases {
            let phaseRecord = "\(template.code)/\(phase.code)"
            requireCode(phase.code, record: phaseRecord, into: &errors)
            requireText(phase.name, record: phaseRecord, field: "name", into: &errors)
            for requirement in phase.requirements {
                let record = "\(phaseRecord)/\(requirement.code)"
                requireCode(requirement.code, record: record, into: &errors)
                for (field, age) in [("min_age", requirement.minAge), ("max_age", requirement.maxAge)] {
                    if let age, !(0...120).contains(age) {
                        errors.append(InvalidInput(record: record, field: field, value: String(age), reason: "must be between 0 and 120"))
                    }
                }
            }
        }
        if (try? Rules.code(template.code, field: "code")) != template.code, (try? Rules.code(template.code, field: "code")) != nil {
            errors.append(InvalidInput(record: template.code, field: "code", value: template.code, reason: "must be written in capital letters"))
        }
        return errors
    }

    /// A course's own rules plus code formats, name and centre code.
    private static func courseProblems(_ course: CourseTemplate) -> [InvalidInput] {
        var errors = course.validationErrors()
        requireCode(course.code, record: course.code, into: &errors)
        requireText(course.name, record: course.code, field: "name", into: &errors)
        if let centre = course.centre, (try? Rules.code(centre, field: "centre")) != centre {
            errors.append(InvalidInput(record: course.code, field: "centre", value: centre, reason: "must be a centre code such as KAR-PRISON"))
        }
        for module in course.modules {
            let record = "\(course.code)/\(module.code)"
            requireCode(module.code, record: record, into: &errors)
            requireText(module.title, record: record, field: "title", into: &errors)
        }
        return errors
    }

    /// Notes `code` unless it is already a well-formed code (the rule would change nothing about it).
    private static func requireCode(_ code: String, record: String, into errors: inout [InvalidInput]) {
        if (try? Rules.code(code, field: "code")) != code {
            errors.append(InvalidInput(record: record, field: "code", value: code, reason: "must be 2–32 capital letters, digits or hyphens"))
        }
    }

    /// Notes `text` when it is empty or only spaces.
    private static func requireText(_ text: String, record: String, field: String, into errors: inout [InvalidInput]) {
        if text.trimmingSpaces().isEmpty {
            errors.append(InvalidInput(record: record, field: field, value: text, reason: "must not be empty"))
        }
    }

    private static func duplicates(_ codes: [(file: String, code: String)], what: String) -> [CatalogueProblem] {
        var firstFile: [String: String] = [:]
        var problems: [CatalogueProblem] = []
        for (file, code) in codes {
            if let earlier = firstFile[code] {
                problems.append(CatalogueProblem(file: file, record: code, field: "code", value: code, reason: "is also the code of a \(what) in \(earlier)"))
            } else {
                firstFile[code] = file
            }
        }
        return problems
    }

    /// Turns a decoding error into a problem naming the record (by its codes, where the file gives them) and the field.
    static func decodingProblem(_ error: any Error, file: String, tree: [String: Any]) -> CatalogueProblem {
        guard let error = error as? DecodingError else {
            return CatalogueProblem(file: file, record: nil, field: "yaml", value: file, reason: "cannot be read: \(error)")
        }
        var path: [any CodingKey]
        var field: String
        let reason: String
        switch error {
        case .keyNotFound(let key, let context):
            path = context.codingPath
            field = key.stringValue
            reason = "is missing"
        case .typeMismatch(let type, let context):
            path = context.codingPath
            field = path.popLast()?.stringValue ?? "?"
            reason = "must be \(type == Double.self || type == Int.self ? "a number" : "of type \(type)")"
        case .valueNotFound(_, let context):
            path = context.codingPath
            field = path.popLast()?.stringValue ?? "?"
            reason = "must have a value"
        case .dataCorrupted(let context):
            path = context.codingPath
            field = path.popLast()?.stringValue ?? "?"
            let said = context.debugDescription
            reason = said.hasPrefix("must be") ? said : "is not valid: \(said)"
        @unknown default:
            return CatalogueProblem(file: file, record: nil, field: "yaml", value: file, reason: "cannot be read: \(error)")
        }
        return CatalogueProblem(file: file, record: recordName(path, tree: tree), field: field, value: nil, reason: reason)
    }

    /// `WOMEN-RESIDENTIAL/RESIDENTIAL/PSY-IND` for the path phases[0].requirements[2], using each level's `code`.
    private static func recordName(_ path: [any CodingKey], tree: [String: Any]) -> String {
        var parts: [String] = [(tree["code"] as? String) ?? "(top)"]
        var node: Any = tree
        var pendingKey: String?
        for key in path {
            if let index = key.intValue {
                let element = (node as? [Any]).flatMap { index < $0.count ? $0[index] : nil }
                node = element ?? [:]
                let code = (element as? [String: Any])?["code"] as? String
                parts.append(code ?? "\(pendingKey ?? "item")[\(index)]")
                pendingKey = nil
            } else {
                node = (node as? [String: Any])?[key.stringValue] ?? [:]
                pendingKey = key.stringValue
            }
        }
        if tree["courses"] != nil, parts.first == "(top)" { parts.removeFirst() }
        return parts.isEmpty ? "(top)" : parts.joined(separator: "/")
    }
}

/// One problem in a programme or course file: the file, the record (programme/phase/requirement codes), the field and why.
public struct CatalogueProblem: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var record: String?
    public var field: String
    public var value: String?
    public var reason: String

    public init(file: String, record: String?, field: String, value: String?, reason: String) {
        self.file = file
        self.record = record
        self.field = field
        self.value = value
        self.reason = reason
    }

    /// A template rule failure, placed in its file.
    public init(file: String, _ input: InvalidInput) {
        self.init(file: file, record: input.record, field: input.field, value: input.value, reason: input.reason)
    }

    public var description: String {
        "\(file): " + (record.map { "\($0.escapingControlCharacters()): " } ?? "") + field
            + (value.map { " \"\($0.escapingControlCharacters())\"" } ?? "") + " " + reason
    }
}

/// The programme files could not be synced; every problem is listed and nothing was written.
public struct ProgrammeCatalogueError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [CatalogueProblem]

    public init(problems: [CatalogueProblem]) { self.problems = problems }

    public var description: String {
        let count = problems.count
        return "\(count) problem\(count == 1 ? "" : "s") in the programme files, nothing was synced:\n"
            + problems.map { "  \($0)" }.joined(separator: "\n")
    }
}
