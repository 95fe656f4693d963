import ArgumentParser
import Homeward

/// `"mon-fri 09:00-18:00" "sat 10:00-14:00"`: weekly hours typed as arguments, in the centre's local time.
struct WeeklyHoursArguments: ParsableArguments {
    @Argument(help: "Days and hours such as \"mon-fri 09:00-18:00\", in the centre's local time.") var hours: [String]

    /// Every weekday and time range given, checked.
    func parsed() throws -> [WeeklyHours] { try hours.flatMap { try WeeklyHours.parse($0, field: "hours") } }
}

/// `CENTRE ROOM`: a room named by its centre's code and its own.
struct RoomArguments: ParsableArguments {
    @Argument(help: "Centre code.") var centre: Code
    @Argument(help: "Room code.") var code: Code

    /// `AKT-RC/C1`, as messages name a room.
    var path: String { "\(centre.value)/\(code.value)" }
}

/// `CENTRE "mon-fri 09:00-18:00" …`: a centre and weekly hours at it (opening hours, timetable blocks).
struct CentreHoursArguments: ParsableArguments {
    @Argument(help: "Centre code.") var code: Code
    @OptionGroup var hours: WeeklyHoursArguments
}
