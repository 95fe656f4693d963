import ArgumentParser
import Foundation
import Homeward
import HomewardStore

/// `homeward user …`: which database logins hold which Homeward role, and which centres coordinators see.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Grant, revoke and list Homeward roles of database logins and coordinators' centres.",
        discussion: """
            Roles: admin, coordinator (sees only participants placed at their centres), scheduler (the nightly job), \
            oversight (pseudonymised views only), auditor (the audit trail). Run as a login with CREATEROLE.

            Example:
              homeward user grant aigerim --role coordinator --centre AKT-RC
            """,
        subcommands: [Grant.self, Revoke.self, List.self])

    /// Login names become SQL identifiers: keep them to what a DBA would type.
    static func validateLogin(_ login: String) throws {
        let allowed = login.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0) }
        guard (1...63).contains(login.utf8.count), allowed else {
            throw ValidationError("login \"\(login)\" must be 1–63 letters, digits, dots, hyphens or underscores")
        }
        guard !login.lowercased().hasPrefix("pg_"), !login.lowercased().hasPrefix("homeward_") else {
            throw ValidationError("login \"\(login)\" must not start with pg_ or homeward_ (reserved for system and group roles)")
        }
    }

    struct Grant: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a login a role (creating the login if needed) and, for coordinators, their centres.",
            discussion: """
                Example:
                  homeward user grant aigerim --role coordinator --centre AKT-RC --centre ALM-NGO
                  homeward user grant nightly --role scheduler
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Database login, e.g. aigerim.") var login: String
        @Option(help: "Role: admin, coordinator, scheduler, oversight or auditor.") var role: UserRole
        @Option(help: "Centre code the coordinator works for, repeatable.") var centre: [String] = []

        func validate() throws {
            try UserCommand.validateLogin(login)
            if role == .coordinator, centre.isEmpty {
                throw ValidationError("a coordinator needs at least one --centre: they see only the participants placed there")
            }
            if role != .coordinator, !centre.isEmpty {
                throw ValidationError("--centre applies to coordinators only; \(role.displayName) sees every participant it may see")
            }
        }

        func run() throws {
            let store = try connection.store(for: Self.self)
            let codes = try centre.map { try Rules.code($0, field: "--centre") }
            try store.grantUser(login: login, role: role, centreCodes: codes)
            Log.info("granted \(role.displayName) to \(login)" + (codes.isEmpty ? "" : " for \(codes.joined(separator: ", "))"))
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a role (or every Homeward role) and the centre scope from a login; the login itself stays.",
            discussion: """
                Example:
                  homeward user revoke aigerim --role coordinator
                  homeward user revoke aigerim
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Database login.") var login: String
        @Option(help: "Role to take away; all Homeward roles when omitted.") var role: UserRole?

        func validate() throws { try UserCommand.validateLogin(login) }

        func run() throws {
            let store = try connection.store(for: Self.self)
            try store.revokeUser(login: login, role: role)
            Log.info("revoked \(role?.displayName ?? "every Homeward role") from \(login)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List logins holding a Homeward role, with coordinators' centres.",
            discussion: "Example:\n  homeward user list --format csv")
        @OptionGroup var read: ReadOptions

        func run() throws { try read.list(for: Self.self) { try $0.users() } }
    }
}

extension UserAccount: TabularRecord {
    static let columns = ["login", "roles", "centres"]
    var cells: [String?] { [login, roles.map(\.displayName).joined(separator: " "), centres.joined(separator: " ")] }
}
