/// A staff member who may take a demand, with the row of their availability at the demand's centre.
struct StaffCandidate {
    /// Staff index.
    var staff: Int
    /// Row in `Engine.staffAvail` for the demand's centre.
    var row: Int
}
