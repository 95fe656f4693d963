/// A school or kindergarten where returned children are enrolled.
public struct School: Sendable, Equatable, Codable {
    public var code: String
    public var name: String
    /// Region (oblast) of the school.
    public var region: String
    public var address: String?

    public init(code: String, name: String, region: String, address: String?) {
        self.code = code
        self.name = name
        self.region = region
        self.address = address
    }

    /// Checks the fields a coordinator types, before touching the database.
    public static func validated(code: String, name: String, region: String, address: String?) throws(InvalidInput) -> School {
        let code = try Rules.code(code, field: "code")
        let trimmedAddress = address?.trimmingSpaces()
        return School(
            code: code, name: try Rules.required(name, field: "name", record: code),
            region: try Rules.required(region, field: "region", record: code),
            address: trimmedAddress?.isEmpty == true ? nil : trimmedAddress)
    }
}
