import Homeward

/// Generates the rows of a world in the demo's proportions, deterministically from the shape's seed. No I/O.
///
/// What the booking rules read comes from the cluster's template stream (so copies of a template agree); names come
/// from the cluster's own stream. Dates count from `today` (the database's reference day), so the world is the same
/// relative to whatever day it is generated on.
public struct WorldGenerator: Sendable {
    public let shape: WorldShape
    public let today: LocalDate
    public let ids: WorldIDs
    let plan: StaffPlan

    public init(shape: WorldShape, today: LocalDate) {
        self.shape = shape
        self.today = today
        ids = WorldIDs(shape)
        plan = StaffPlan(perCluster: shape.staffPerCluster)
    }

    /// Days of history before today.
    var historyDays: Int { shape.historyWeeks * 7 }

    // Streams: one per part, so adding rows to one part never changes another.
    private enum Part: UInt64 { case people = 1, staff, families, names, attendance, school }

    /// The rows of cluster `k`.
    public func cluster(_ k: Int) -> ClusterWorld {
        var world = ClusterWorld()
        let size = shape.size(ofCluster: k)
        let template = shape.template(ofCluster: k)
        var names = SeededRandom(seed: shape.seed, Part.names.rawValue, k)
        let tag = String(format4: k + 1)
        let centreBase = k * WorldIDs.centres, roomBase = k * WorldIDs.rooms

        // Centres, hours, blocks and rooms: the demo's three.
        let centreSpecs: [(String, String, String, String, String, Int)] = [
            ("RC", "Rehabilitation Centre", "rehabilitation_centre", "Mangystau", "Asia/Aqtau", 150),
            ("NGO", "NGO Children's Centre", "ngo_day_centre", "Almaty", "Asia/Almaty", 80),
            ("PRISON", "Correctional Institution", "prison", "Karaganda", "Asia/Almaty", 400),
        ]
        for (index, spec) in centreSpecs.enumerated() {
            world.centres.append(.init(
                id: centreBase + index + 1, code: "C\(tag)-\(spec.0)", name: "\(spec.1) \(tag)", kind: spec.2, region: spec.3,
                address: "\(spec.3), site \(tag)", timeZone: spec.4, capacity: spec.5))
        }
        let rc = centreBase + 1, ngo = centreBase + 2, prison = centreBase + 3
        for day in 1...6 { world.hours.append(.init(centreID: rc, weekday: day, opens: "08:00", closes: "19:00")) }
        for day in 1...5 { world.hours.append(.init(centreID: ngo, weekday: day, opens: "09:00", closes: "19:00")) }
        world.hours.append(.init(centreID: ngo, weekday: 6, opens: "10:00", closes: "14:00"))
        for day in 1...6 { world.hours.append(.init(centreID: prison, weekday: day, opens: "08:00", closes: "18:00")) }
        for day in 1...7 {
            world.blocks.append(.init(centreID: rc, weekday: day, starts: "13:00", ends: "14:00", label: "lunch"))
            world.blocks.append(.init(centreID: prison, weekday: day, starts: "12:00", ends: "13:00", label: "lunch and count"))
        }
        for day in 1...5 { world.blocks.append(.init(centreID: prison, weekday: day, starts: "08:00", ends: "09:00", label: "morning count")) }
        let roomSpecs: [(Int, String, String, String, Int)] = [
            (rc, "C1", "Counselling 1", "counselling_room", 3), (rc, "C2", "Counselling 2", "counselling_room", 3),
            (rc, "C3", "Counselling 3", "counselling_room", 3), (rc, "C4", "Counselling 4", "counselling_room", 3),
            (rc, "C5", "Counselling 5", "counselling_room", 3), (rc, "C6", "Counselling 6", "counselling_room", 2),
            (rc, "HALL", "Group hall", "group_hall", 14), (rc, "CLASS", "Classroom", "classroom", 20),
            (rc, "FAM", "Family room", "family_room", 6), (rc, "PLAY", "Play room", "play_room", 8),
            (ngo, "C1", "Counselling 1", "counselling_room", 3), (ngo, "C2", "Counselling 2", "counselling_room", 3),
            (ngo, "PLAY1", "Play room 1", "play_room", 8), (ngo, "PLAY2", "Play room 2", "play_room", 8),
            (ngo, "FAM", "Family room", "family_room", 6), (ngo, "HALL", "Group hall", "group_hall", 16),
            (prison, "C1", "Interview room 1", "counselling_room", 2), (prison, "C2", "Interview room 2", "counselling_room", 2),
            (prison, "CLASS1", "Classroom 1", "classroom", 15), (prison, "CLASS2", "Classroom 2", "classroom", 15),
            (prison, "WORK", "Workshop", "classroom", 12), (prison, "HALL", "Prayer and lecture hall", "group_hall", 30),
        ]
        for (index, spec) in roomSpecs.enumerated() {
            world.rooms.append(.init(id: roomBase + index + 1, centreID: spec.0, code: spec.1, name: spec.2, kind: spec.3, capacity: spec.4))
        }

        addStaff(to: &world, cluster: k, template: template, tag: tag, names: &names)
        addPeople(to: &world, cluster: k, size: size, template: template, tag: tag, names: &names)
        return world
    }

    private func addStaff(to world: inout ClusterWorld, cluster k: Int, template: Int, tag: String, names: inout SeededRandom) {
        var rules = SeededRandom(seed: shape.seed, Part.staff.rawValue, template)
        let centreBase = k * WorldIDs.centres
        let validFrom = today.adding(days: -(historyDays + 365))
        var arabicReligious = false, arabicPaediatric = false
        for line in plan.lines {
            for _ in 0..<line.count {
                let position = world.staff.count
                var languages = Self.adultLanguages(&rules)
                if !arabicReligious, line.roles == ["religious_expert"], line.centres == [0] { languages = ["kk", "ru", "ar"]; arabicReligious = true }
                if !arabicPaediatric, line.roles == ["paediatric_psychologist"], line.centres == [0, 1] { languages = ["kk", "ar", "ru"]; arabicPaediatric = true }
                let hours = rules.pick([20, 24, 30, 32, 36, 40, 12.5])
                let female = names.chance(line.centres == [2] ? 0.5 : 0.75)
                let id = k * ids.staff + position + 1
                let centres = line.centres.map { centreBase + $0 + 1 }
                world.staff.append(.init(
                    id: id, code: "ST\(tag)-\(String(format3: position + 1))", givenName: names.pick(female ? Names.women : Names.men),
                    familyName: Names.family(&names, female: female), languages: languages, mayWorkWithChildren: line.children,
                    weeklyHourLimit: hours, roles: line.roles, centreIDs: centres))
                // Weekly availability as the demo sets it.
                for (index, centre) in centres.enumerated() {
                    var pattern: [(ClosedRange<Int>, String, String)]
                    if centres.count > 1 {
                        let days = index == 0 ? 1...3 : 4...5
                        pattern = [(days, "09:00", "13:00"), (days, "14:00", "18:00")]
                    } else if hours >= 30 {
                        pattern = [(1...5, "09:00", "13:00"), (1...5, "14:00", "18:00")]
                        if line.centres == [2] { pattern.append((6...6, "09:00", "13:00")) }
                    } else {
                        pattern = [(1...3, "09:00", "13:00"), (1...3, "14:00", "17:00")]
                    }
                    for (days, starts, ends) in pattern {
                        for day in days {
                            world.availability.append(.init(staffID: id, centreID: centre, weekday: day, starts: starts, ends: ends, validFrom: validFrom))
                        }
                    }
                }
            }
        }
    }

    /// A birth date for someone `age` years old on `day`.
    private func born(age: Int, on day: LocalDate, _ rng: inout SeededRandom) -> LocalDate {
        LocalDate(year: day.year - age, month: day.month, day: min(day.day, 28))!.adding(days: -rng.int(1...360))
    }

    private func addPeople(to world: inout ClusterWorld, cluster k: Int, size: Int, template: Int, tag: String, names: inout SeededRandom) {
        var rules = SeededRandom(seed: shape.seed, Part.people.rawValue, template)
        let centreBase = k * WorldIDs.centres
        let rc = centreBase + 1, ngo = centreBase + 2, prison = centreBase + 3
        let base = k * ids.participants
        let share = { (demo: Int) in Int((Double(size) * Double(demo) / Double(WorldShape.demoParticipants)).rounded()) }
        let iraq = share(14), women = share(40), men = share(20)
        let children = max(0, size - iraq - women - men)
        // Arrivals at the residential centre are spread over the history (at least the demo's eight weeks).
        let arrivalWindow = max(58, historyDays + 28)

        func add(_ sex: String, age: Int, languages: [String], region: String, legal: String = "free", sentence: LocalDate? = nil,
                 status: String, returned: LocalDate, centre: Int, placed: LocalDate) -> Int {
            let id = base + world.participants.count + 1
            let female = sex == "female"
            let child = age < 18
            world.participants.append(.init(
                id: id, caseNumber: "KZ-G\(tag)-\(String(format4: world.participants.count + 1))",
                givenName: names.pick(child ? (female ? Names.girls : Names.boys) : (female ? Names.women : Names.men)),
                familyName: Names.family(&names, female: female), patronymic: child ? nil : Names.patronymic(&names, female: female),
                birthDate: born(age: age, on: today, &rules), sex: sex, languages: languages, region: region, legalSituation: legal,
                sentenceEndsOn: sentence, status: status, returnedOn: returned, centreID: centre, placedFrom: placed))
            return id
        }

        // The children returned together a year ago, aged 2 to 10: the youngest at the residential centre.
        let iraqReturn = today.adding(days: -369)
        var iraqAt: [Int: [Int]] = [rc: [], ngo: []]
        for index in 0..<iraq {
            let age = 2 + (iraq > 1 ? index * 8 / (iraq - 1) : 0)
            let languages = rules.weighted([(["ar"], 40), (["kk", "ar"], 35), (["ar", "kk"], 10), (["kk", "ru"], 15)])
            let centre = age <= 5 ? rc : ngo
            let id = add(index % 2 == 0 ? "female" : "male", age: age, languages: languages,
                         region: index % 3 != 2 ? "Atyrau" : "West Kazakhstan",
                         status: centre == rc ? "residential_rehabilitation" : "in_community", returned: iraqReturn, centre: centre,
                         placed: iraqReturn)
            iraqAt[centre]!.append(id)
        }
        // Women, 19-45, at the residential centre.
        var mothers: [Int] = []
        for _ in 0..<women {
            let returned = today.adding(days: -rules.int(5...arrivalWindow))
            let legal = rules.weighted([("free", 85), ("under_investigation", 15)])
            let id = add("female", age: rules.int(19...45), languages: Self.adultLanguages(&rules), region: rules.pick(Names.regions),
                         legal: legal, status: "residential_rehabilitation", returned: returned, centre: rc, placed: returned)
            mothers.append(id)
        }
        // Other children, 2-17: the youngest and recent returns at the residential centre, the others at the NGO.
        var residentialChildren: [Int] = []
        for _ in 0..<children {
            let age = rules.int(2...17)
            let recent = rules.chance(0.55)
            let returned = recent ? today.adding(days: -rules.int(5...arrivalWindow)) : today.adding(days: -rules.int(150...630))
            let languages = rules.weighted([(["kk", "ru"], 60), (["ru", "kk"], 8), (["ru"], 14), (["ar"], 6), (["kk", "ar"], 12)])
            let atCentre = age <= 6 || recent
            let id = add(rules.chance(0.5) ? "female" : "male", age: age, languages: languages, region: rules.pick(Names.regions),
                         status: atCentre ? "residential_rehabilitation" : "in_community", returned: returned,
                         centre: atCentre ? rc : ngo, placed: returned)
            if atCentre && recent { residentialChildren.append(id) }
        }
        // Men, 22-50, convicted, in prison.
        for _ in 0..<men {
            let returned = today.adding(days: -rules.int(700...2700))
            let sentence = today.adding(days: rules.int(400...2600))
            let id = add("male", age: rules.int(22...50), languages: Self.adultLanguages(&rules), region: rules.pick(Names.regions),
                         legal: "convicted", sentence: sentence, status: "in_prison", returned: returned, centre: prison,
                         placed: returned.adding(days: rules.int(30...240)))
            _ = id
        }

        addFamilies(to: &world, cluster: k, iraqAt: [iraqAt[rc]!, iraqAt[ngo]!], mothers: mothers,
                    residentialChildren: residentialChildren, rules: &rules, names: &names)
        addEnrolments(to: &world, cluster: k, tag: tag)
    }

    private func addFamilies(to world: inout ClusterWorld, cluster k: Int, iraqAt: [[Int]], mothers: [Int], residentialChildren: [Int],
                             rules: inout SeededRandom, names: inout SeededRandom) {
        let base = k * ids.participants
        func person(_ id: Int) -> ClusterWorld.Participant { world.participants[id - base - 1] }
        // The children of the group returned together, in threes per centre, with a grandmother or an aunt.
        for group in iraqAt {
            for start in stride(from: 0, to: group.count, by: 3) {
                let members = Array(group[start..<min(start + 3, group.count)])
                let relationship = rules.pick(["grandmother", "aunt"])
                let relativeID = base + world.relatives.count + 1
                let surname = person(members[0]).familyName
                world.relatives.append(.init(id: relativeID, givenName: names.pick(Names.women), familyName: surname, region: "Atyrau"))
                world.families.append(.init(id: base + world.families.count + 1, label: "\(surname) household (\(relationship))", members: members))
                for member in members { world.links.append(.init(participantID: member, relativeID: relativeID, relatedParticipantID: nil, relationship: relationship)) }
            }
        }
        // Mothers with one or two of the children who came with them.
        var children = residentialChildren[...]
        for mother in mothers {
            if children.isEmpty { break }
            if rules.chance(0.35) { continue }
            let own = (0..<min(children.count, rules.pick([1, 1, 2]))).map { _ in children.removeFirst() }
            for child in own {
                world.participants[child - base - 1].returnedOn = person(mother).returnedOn
                world.participants[child - base - 1].placedFrom = person(mother).placedFrom
                world.links.append(.init(participantID: child, relativeID: nil, relatedParticipantID: mother, relationship: "mother"))
            }
            world.families.append(.init(id: base + world.families.count + 1, label: "\(person(mother).familyName) family", members: [mother] + own))
        }
    }

    private func addEnrolments(to world: inout ClusterWorld, cluster k: Int, tag: String) {
        let centreBase = k * WorldIDs.centres
        let ngo = centreBase + 2, prison = centreBase + 3
        let earliest = today.adding(days: -(historyDays + 14))
        for school in 0..<WorldIDs.schools {
            world.schools.append(.init(id: k * WorldIDs.schools + school + 1, code: "SCH\(tag)-\(school + 1)",
                                       name: "School No. \(school + 1) of site \(tag)", region: "Almaty", address: "Almaty"))
        }
        for person in world.participants {
            let start: LocalDate, phase: String
            if person.centreID == prison {
                start = today.adding(days: -(historyDays + 7))
                phase = "SENTENCE"
            } else if person.placedFrom.adding(days: 56) <= today {
                start = max(person.placedFrom.adding(days: 56), earliest)
                phase = "COMMUNITY"
            } else {
                start = person.placedFrom
                phase = "RESIDENTIAL"
            }
            let age = person.birthDate.age(on: start)
            let programme = person.centreID == prison ? "MEN-PRISON" : age >= 18 ? "WOMEN-RESIDENTIAL"
                : age < 7 ? "CHILDREN-UNDER-7" : age <= 12 ? "CHILDREN-7-12" : "CHILDREN-13-17"
            world.enrolments.append(.init(participantID: person.id, programme: programme, phase: phase, start: start))
            if person.centreID == prison { world.courseEnrolments.append(.init(participantID: person.id, course: "CIVICS", start: start)) }
            let ageToday = person.birthDate.age(on: today)
            if person.centreID == ngo, ageToday >= 7 {
                let position = world.schoolEnrolments.count
                world.schoolEnrolments.append(.init(
                    id: k * ids.participants + position + 1, participantID: person.id,
                    schoolID: k * WorldIDs.schools + position % WorldIDs.schools + 1, grade: min(ageToday - 6, 11),
                    from: min(earliest, LocalDate(year: today.year - (today.month < 9 ? 1 : 0), month: 9, day: 1)!)))
            }
        }
    }

    static func adultLanguages(_ rng: inout SeededRandom) -> [String] {
        rng.weighted([(["kk", "ru"], 70), (["ru", "kk"], 10), (["ru"], 12), (["kk"], 8)])
    }

    /// How a participant's booked seat in a past session went: mostly attended, a few late or absent.
    public func attendanceStatus(session: Int, participant: Int) -> String {
        var rng = SeededRandom(seed: shape.seed, Part.attendance.rawValue, session &* 1_000_003 &+ participant)
        return rng.weighted([("attended", 84), ("late", 5), ("absent_excused", 6), ("absent_unexcused", 5)])
    }

    /// How a schoolchild's school day went.
    public func schoolStatus(participant: Int, day: LocalDate) -> String {
        var rng = SeededRandom(seed: shape.seed, Part.school.rawValue, participant &* 100_003 &+ day.daysSinceEpoch)
        return rng.weighted([("present", 90), ("absent_excused", 6), ("absent_unexcused", 4)])
    }
}

extension String {
    init(format4 value: Int) { self = Self.padded(value, to: 4) }
    init(format3 value: Int) { self = Self.padded(value, to: 3) }
    static func padded(_ value: Int, to width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
    }
}

/// Invented names (common Kazakh and Russian names combined at random), as the demo's; no real person is described.
enum Names {
    static let regions = ["Atyrau", "West Kazakhstan", "Mangystau", "Aktobe", "Karaganda", "Almaty", "Turkistan", "Zhambyl",
                          "Kyzylorda", "East Kazakhstan", "Pavlodar", "Kostanay", "Shymkent", "Astana"]
    static let women = ["Айгерім", "Әсел", "Гүлнар", "Жанар", "Мадина", "Динара", "Салтанат", "Әйгерім", "Қарлығаш", "Гүлмира",
                        "Нұргүл", "Ақбота", "Самал", "Жұлдыз", "Меруерт", "Әлия", "Бибігүл", "Зарина", "Анна", "Елена"]
    static let men = ["Ерлан", "Нұрлан", "Асқар", "Бауыржан", "Дәулет", "Қайрат", "Серік", "Ержан", "Мұрат", "Талғат", "Әділет",
                      "Өркен", "Қанат", "Ғалым", "Дмитрий", "Алексей", "Руслан", "Тимур"]
    static let girls = ["Айша", "Мариям", "Хадиша", "Зайнаб", "Амина", "Фатима", "Асма", "Сафия", "Раяна", "Томирис", "Аружан", "Жасмин"]
    static let boys = ["Әли", "Омар", "Юсуф", "Ибраһим", "Мұхаммед", "Хамза", "Абдулла", "Айсұлтан", "Нұрислам", "Ақжол", "Біләл", "Санжар"]
    static let families = [("Нұрланов", "Нұрланова"), ("Қасымов", "Қасымова"), ("Әбенов", "Әбенова"), ("Төлеуов", "Төлеуова"),
                           ("Жұмабаев", "Жұмабаева"), ("Сейітов", "Сейітова"), ("Омаров", "Омарова"), ("Ахметов", "Ахметова"),
                           ("Беков", "Бекова"), ("Исаев", "Исаева"), ("Өтебаев", "Өтебаева"), ("Смирнов", "Смирнова")]
    static let fathers = ["Серік", "Болат", "Нұржан", "Ерболат", "Қайрат", "Мұхтар", "Әлібек"]

    static func family(_ rng: inout SeededRandom, female: Bool) -> String {
        let pair = rng.pick(families)
        return female ? pair.1 : pair.0
    }
    static func patronymic(_ rng: inout SeededRandom, female: Bool) -> String? {
        rng.chance(0.6) ? rng.pick(fathers) + (female ? "қызы" : "ұлы") : nil
    }
}
