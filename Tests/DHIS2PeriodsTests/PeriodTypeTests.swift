import DHIS2Periods
import Testing

@Suite struct PeriodTypeTests {
    @Test func namesAreDHIS2Names() {
        #expect(
            PeriodType.allCases.map(\.rawValue) == [
                "Daily", "Weekly", "WeeklyWednesday", "WeeklyThursday", "WeeklyFriday", "WeeklySaturday",
                "WeeklySunday",
                "BiWeekly", "Monthly", "BiMonthly", "Quarterly", "QuarterlyNov", "SixMonthly", "SixMonthlyApril",
                "SixMonthlyNov", "Yearly", "FinancialFeb", "FinancialApril", "FinancialJuly", "FinancialAug",
                "FinancialSep", "FinancialOct", "FinancialNov",
            ]
        )
    }

    @Test(arguments: PeriodType.allCases)
    func initByName(type: PeriodType) throws {
        #expect(try PeriodType(name: type.rawValue) == type)
    }

    @Test func twoYearlyIsRefusedClearly() throws {
        #expect(PeriodType(rawValue: "TwoYearly") == nil)
        let error = try #require(throws: PeriodError.self) { try PeriodType(name: "TwoYearly") }
        #expect(error.input == "TwoYearly")
        #expect(error.message == "period type 'TwoYearly' is not supported: DHIS2 has no period id format for it")
    }

    @Test(arguments: ["weekly", "Fortnightly", "", "FinancialMarch"])
    func unknownNamesAreRefused(name: String) throws {
        let error = try #require(throws: PeriodError.self) { try PeriodType(name: name) }
        #expect(error.message.hasPrefix("'\(name)' is not a DHIS2 period type (known: Daily, Weekly,"))
    }

    @Test func minimumServerVersions() {
        #expect(PeriodType.weeklyFriday.minimumServerMinorVersion == 43)
        #expect(PeriodType.financialFeb.minimumServerMinorVersion == 43)
        #expect(PeriodType.financialAug.minimumServerMinorVersion == 43)
        #expect(PeriodType.financialSep.minimumServerMinorVersion == 42)
        #expect(PeriodType.quarterlyNov.minimumServerMinorVersion == 38)
        #expect(PeriodType.monthly.minimumServerMinorVersion == 38)
    }

    /// The type parsed from an id is the type whose periods produce that id.
    @Test(arguments: PeriodType.allCases)
    func parsedTypeMatchesProducer(type: PeriodType) throws {
        let period = type.period(containing: try #require(CalendarDate(iso: "2024-06-15")))
        #expect(try Period(id: period.id).type == type)
    }
}

@Suite struct LosslessStringTests {
    @Test func calendarDateAndPeriodRoundTripThroughStrings() throws {
        #expect(CalendarDate("2024-02-29")?.description == "2024-02-29")
        #expect(CalendarDate("2023-02-29") == nil)
        #expect(Period("2024-01")?.description == "202401")
        #expect(Period("2021W53") == nil)
        #expect(try Period("2024NovS1") == Period(id: "2024NovS1"))
    }
}
