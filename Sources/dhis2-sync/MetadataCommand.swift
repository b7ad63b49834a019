import ArgumentParser
import Curl
import DHIS2
import Foundation

/// `dhis2-sync metadata …`: tracker-schema authoring on one registered instance.
struct MetadataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metadata",
        abstract: "Author tracker metadata on an instance: attributes, tracked entity types, programs, stages.",
        discussion: "Adds are idempotent (a second add updates the flags); destructive verbs need --yes.",
        subcommands: [Attributes.self, EntityTypes.self, Programs.self, Stages.self]
    )

    /// `--yes`, which every destructive verb requires.
    struct Confirmation: ParsableArguments {
        @Flag(help: "Confirm the removal or deletion.") var yes = false

        func validate() throws {
            if !yes { throw ValidationError("this removes metadata on the server: add --yes to confirm") }
        }
    }

    struct Attributes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tea",
            abstract: "Tracked entity attributes.",
            subcommands: [List.self, Get.self, Create.self, Rename.self, Delete.self]
        )

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the tracked entity attributes.")
            @OptionGroup var instance: MaintenanceOptions

            func run() async throws {
                try await instance.withClient { client in
                    let attributes = try await client.trackerSchemaObjects(TrackedEntityAttribute.self)
                    if instance.json {
                        for attribute in attributes { emitJSONLine(attribute) }
                        return
                    }
                    printTable(
                        ["ID", "VALUE TYPE", "UNIQUE", "NAME"],
                        attributes.map { [$0.id ?? "", $0.valueType, $0.unique == true ? "unique" : "", $0.name] }
                    )
                }
            }
        }

        struct Get: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print one tracked entity attribute as JSON, every field."
            )
            @OptionGroup var instance: MaintenanceOptions
            @Argument(help: "The attribute's uid.") var id: String

            func run() async throws {
                try await instance.withClient { client in
                    emitJSONLine(try await client.trackerSchemaObject(TrackedEntityAttribute.self, id: id))
                }
            }
        }

        struct Rename: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Rename a tracked entity attribute (name, and short name when given)."
            )
            @OptionGroup var instance: MaintenanceOptions
            @Argument(help: "The attribute's uid.") var id: String
            @Option(help: "The new name.") var name: String
            @Option(help: "The new short name.") var shortName: String?

            func run() async throws {
                try await instance.withClient { client in
                    var attribute = try await client.trackerSchemaObject(TrackedEntityAttribute.self, id: id)
                    attribute.name = name
                    if let shortName { attribute.shortName = shortName }
                    try instance.report(try await client.update(attribute), "renamed tracked entity attribute", id: id)
                }
            }
        }

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create a tracked entity attribute.")
            @OptionGroup var instance: MaintenanceOptions
            @Option(help: "Its name.") var name: String
            @Option(help: "Its short name (default: the name).") var shortName: String?
            @Option(help: "Its code.") var code: String?
            @Option(help: "TEXT, NUMBER, DATE, BOOLEAN, … (DHIS2's value types).") var valueType: String
            @Option(help: "SUM, AVERAGE, NONE, …") var aggregationType: String?
            @Flag(help: "Values must be unique.") var unique = false
            @Option(help: "Generate values from this pattern, e.g. '\"ID-\" + SEQUENTIAL(######)'.") var pattern:
                String?
            @Flag(help: "Values are confidential.") var confidential = false
            @Flag(help: "Relationships inherit it.") var inherit = false
            @Option(help: "The option set's uid.") var optionSet: String?
            @Option(name: .customLong("legend-set"), help: "A legend set's uid (repeatable).") var legendSets:
                [String] = []

            func run() async throws {
                try await instance.withClient { client in
                    let attribute = TrackedEntityAttribute(
                        name: name,
                        shortName: shortName ?? name,
                        code: code,
                        valueType: valueType.uppercased(),
                        aggregationType: aggregationType?.uppercased(),
                        unique: unique ? true : nil,
                        generated: pattern == nil ? nil : true,
                        pattern: pattern,
                        confidential: confidential ? true : nil,
                        inherit: inherit ? true : nil,
                        optionSet: optionSet.map { MetadataReference($0) },
                        legendSets: legendSets.isEmpty ? nil : legendSets.map { MetadataReference($0) }
                    )
                    try instance.report(try await client.create(attribute), "created tracked entity attribute")
                }
            }
        }

        struct Delete: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Delete a tracked entity attribute.")
            @OptionGroup var instance: MaintenanceOptions
            @Argument(help: "The attribute's uid.") var id: String
            @OptionGroup var confirmation: Confirmation

            func run() async throws {
                try await instance.withClient { client in
                    let result = try await client.delete(TrackedEntityAttribute.self, id: id)
                    try instance.report(result, "deleted tracked entity attribute", id: id)
                }
            }
        }
    }

    /// The flags of an attribute's membership in a tracked entity type or a program.
    struct MembershipFlags: ParsableArguments {
        @Flag(help: "A value is required.") var mandatory = false
        @Flag(help: "Searchable.") var searchable = false
        @Flag(help: "Shown in lists.") var displayInList = false
    }

    struct EntityTypes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tet",
            abstract: "Tracked entity types.",
            subcommands: [Create.self, AddAttribute.self, RemoveAttribute.self]
        )

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create a tracked entity type.")
            @OptionGroup var instance: MaintenanceOptions
            @Option(help: "Its name.") var name: String
            @Option(help: "Its code.") var code: String?
            @Option(
                name: .customLong("attribute"),
                help: ArgumentHelp(
                    "An attribute, in order (repeatable): UID or UID:FLAGS, FLAGS a comma list of mandatory, "
                        + "searchable, display-in-list.",
                    valueName: "uid[:flags]"
                )
            )
            var attributes: [String] = []

            func run() async throws {
                try await instance.withClient { client in
                    let entries = try attributes.map(AttributeSpec.parse)
                    let type = TrackedEntityType(
                        name: name,
                        code: code,
                        trackedEntityTypeAttributes: entries.isEmpty ? nil : entries
                    )
                    let result = try await client.create(type)
                    try instance.report(result, "created tracked entity type")
                }
            }
        }

        struct AddAttribute: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add an attribute to a tracked entity type, or update its flags there."
            )
            @OptionGroup var instance: MaintenanceOptions
            @Argument(help: "The tracked entity type's uid.") var type: String
            @Argument(help: "The attribute's uid.") var attribute: String
            @OptionGroup var flags: MembershipFlags

            func run() async throws {
                try await instance.change("attribute \(attribute) on tracked entity type \(type)") { client in
                    let entry = TrackedEntityType.Attribute(
                        attribute,
                        mandatory: flags.mandatory,
                        searchable: flags.searchable,
                        displayInList: flags.displayInList
                    )
                    return try await client.addAttribute(entry, toTrackedEntityType: type)
                }
            }
        }

        struct RemoveAttribute: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove an attribute from a tracked entity type.")
            @OptionGroup var instance: MaintenanceOptions
            @Argument(help: "The tracked entity type's uid.") var type: String
            @Argument(help: "The attribute's uid.") var attribute: String
            @OptionGroup var confirmation: Confirmation

            func run() async throws {
                try await instance.change("attribute \(attribute) removed from tracked entity type \(type)") { client in
                    try await client.removeAttribute(attribute, fromTrackedEntityType: type)
                }
            }
        }
    }

    struct Programs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "program",
            abstract: "Programs.",
            subcommands: [Create.self, AddAttribute.self, RemoveAttribute.self, AddOrgUnit.self, RemoveOrgUnit.self]
        )

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create a program: tracker (with registration) or event (without)."
            )
            @OptionGroup var instance: MaintenanceOptions
            @Option(help: "Its name.") var name: String
            @Option(help: "Its short name (default: the name).") var shortName: String?
            @Option(help: "Its code.") var code: String?
            @Flag(help: "An event program, without registration (default: a tracker program).")
            var withoutRegistration = false
            @Option(help: "The tracked entity type's uid; required for a tracker program.") var trackedEntityType:
                String?
            @Option(help: "The category combo's uid (default: the server's default).") var categoryCombo: String?

            /// The given category combo, else the server's `default` one, looked up by name.
            func combo(_ client: DHIS2Client) async throws -> String {
                if let categoryCombo { return categoryCombo }
                guard let id = try await client.defaultCategoryCombo()?.id else {
                    throw CLIError("the server has no category combo named default: give --category-combo UID")
                }
                return id
            }

            func validate() throws {
                if !withoutRegistration && trackedEntityType == nil {
                    throw ValidationError("a tracker program needs --tracked-entity-type UID")
                }
            }

            func run() async throws {
                try await instance.withClient { client in
                    let program = Program(
                        name: name,
                        shortName: shortName ?? name,
                        code: code,
                        programType: withoutRegistration ? .withoutRegistration : .withRegistration,
                        trackedEntityType: trackedEntityType.map { MetadataReference($0) },
                        categoryCombo: MetadataReference(try await combo(client))
                    )
                    try instance.report(try await client.create(program), "created program")
                }
            }
        }

        struct AddAttribute: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add an attribute to a program, or update its flags there."
            )
            @OptionGroup var instance: MaintenanceOptions
            @Argument(help: "The program's uid.") var program: String
            @Argument(help: "The attribute's uid.") var attribute: String
            @OptionGroup var flags: MembershipFlags
            @Flag(help: "Dates in the future are allowed.") var allowFutureDate = false

            func run() async throws {
                try await instance.change("attribute \(attribute) on program \(program)") { client in
                    let entry = Program.Attribute(
                        attribute,
                        mandatory: flags.mandatory,
                        searchable: flags.searchable,
                        displayInList: flags.displayInList,
                        allowFutureDate: allowFutureDate
                    )
                    return try await client.addAttribute(entry, toProgram: program)
                }
            }
        }

        struct RemoveAttribute: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove an attribute from a program.")
            @OptionGroup var instance: MaintenanceOptions
            @Argument(help: "The program's uid.") var program: String
            @Argument(help: "The attribute's uid.") var attribute: String
            @OptionGroup var confirmation: Confirmation

            func run() async throws {
                try await instance.change("attribute \(attribute) removed from program \(program)") { client in
                    try await client.removeAttribute(attribute, fromProgram: program)
                }
            }
        }

        /// A program and one organisation unit of it, for the per-item endpoints.
        struct ProgramOrgUnit: ParsableArguments {
            @OptionGroup var instance: MaintenanceOptions
            @Argument(help: "The program's uid.") var program: String
            @Argument(help: "The organisation unit's uid.") var unit: String

            func apply(_ what: String, _ edit: (DHIS2Client) async throws -> Void) async throws {
                // The per-item endpoints answer the same whether or not the unit was assigned.
                try await instance.change("org unit \(unit) \(what) program \(program)") { client in
                    try await edit(client)
                    return true
                }
            }
        }

        struct AddOrgUnit: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "add-org-unit",
                abstract: "Assign an organisation unit to a program."
            )
            @OptionGroup var target: ProgramOrgUnit

            func run() async throws {
                try await target.apply("assigned to") { client in
                    try await client.addOrganisationUnit(target.unit, toProgram: target.program)
                }
            }
        }

        struct RemoveOrgUnit: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "remove-org-unit",
                abstract: "Unassign an organisation unit from a program."
            )
            @OptionGroup var target: ProgramOrgUnit
            @OptionGroup var confirmation: Confirmation

            func run() async throws {
                try await target.apply("removed from") { client in
                    try await client.removeOrganisationUnit(target.unit, fromProgram: target.program)
                }
            }
        }
    }
}

extension MetadataCommand {
    struct Stages: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stage",
            abstract: "Program stages and their data elements.",
            subcommands: [Create.self, Show.self, AddDataElement.self, RemoveDataElement.self, Reorder.self]
        )

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create a stage of a program.")
            @OptionGroup var instance: MaintenanceOptions
            @Option(help: "The program's uid.") var program: String
            @Option(help: "Its name.") var name: String
            @Flag(help: "An enrollment may have several events of it.") var repeatable = false

            func run() async throws {
                try await instance.withClient { client in
                    let stage = ProgramStage(
                        name: name,
                        program: MetadataReference(program),
                        repeatable: repeatable ? true : nil
                    )
                    try instance.report(try await client.create(stage), "created program stage")
                }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List a stage's data elements in order, with their flags."
            )
            @OptionGroup var instance: MaintenanceOptions
            @Argument(help: "The stage's uid.") var stage: String

            func run() async throws {
                try await instance.withClient { client in
                    let object = try await client.trackerSchemaObject(ProgramStage.self, id: stage)
                    let elements = object.programStageDataElements ?? []
                    if instance.json {
                        for element in elements { emitJSONLine(element) }
                        return
                    }
                    func flag(_ value: Bool?, _ name: String) -> String { value == true ? name : "" }
                    printTable(
                        ["ORDER", "DATA ELEMENT", "COMPULSORY", "FUTURE", "REPORTS"],
                        elements.map {
                            [
                                $0.sortOrder.map(String.init) ?? "", $0.dataElement.id,
                                flag($0.compulsory, "compulsory"), flag($0.allowFutureDate, "future"),
                                flag($0.displayInReports, "reports"),
                            ]
                        }
                    )
                }
            }
        }

        struct AddDataElement: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a data element at the end of a stage, or update its flags there."
            )
            @OptionGroup var instance: MaintenanceOptions
            @Argument(help: "The stage's uid.") var stage: String
            @Argument(help: "The data element's uid.") var dataElement: String
            @Flag(help: "A value is required.") var compulsory = false
            @Flag(help: "Dates in the future are allowed.") var allowFutureDate = false
            @Flag(help: "Shown in reports.") var displayInReports = false

            func run() async throws {
                try await instance.change("data element \(dataElement) on program stage \(stage)") { client in
                    let entry = ProgramStage.DataElement(
                        dataElement,
                        compulsory: compulsory,
                        allowFutureDate: allowFutureDate,
                        displayInReports: displayInReports
                    )
                    return try await client.addDataElement(entry, toProgramStage: stage)
                }
            }
        }

        struct RemoveDataElement: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Remove a data element from a stage; the others are renumbered."
            )
            @OptionGroup var instance: MaintenanceOptions
            @Argument(help: "The stage's uid.") var stage: String
            @Argument(help: "The data element's uid.") var dataElement: String
            @OptionGroup var confirmation: Confirmation

            func run() async throws {
                try await instance.change("data element \(dataElement) removed from program stage \(stage)") { client in
                    try await client.removeDataElement(dataElement, fromProgramStage: stage)
                }
            }
        }

        struct Reorder: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Put a stage's data elements in this order; unlisted ones follow, flags are kept."
            )
            @OptionGroup var instance: MaintenanceOptions
            @Argument(help: "The stage's uid.") var stage: String
            @Argument(help: "Data element uids, first to last.") var order: [String]

            func validate() throws {
                if order.isEmpty { throw ValidationError("give the data elements in their new order") }
            }

            func run() async throws {
                try await instance.change("data elements of program stage \(stage) reordered") { client in
                    try await client.reorderDataElements(order, inProgramStage: stage)
                }
            }
        }
    }
}

extension MaintenanceOptions {
    /// Prints a write's outcome, or throws the server's refusal as one line.
    func report(_ result: ObjectWriteResult, _ what: String, id: String? = nil) throws {
        guard result.succeeded else {
            let reasons = result.errors.map { "\($0.errorCode ?? "?") \($0.message)" }.joined(separator: "; ")
            throw CLIError("refused (HTTP \(result.httpStatus)): \(reasons.isEmpty ? result.status : reasons)")
        }
        let uid = result.uid ?? id ?? ""
        if json {
            emitJSONLine(["status": result.status, "uid": uid])
        } else {
            print("\(instance): \(what) \(uid)")
        }
    }

    /// Runs an idempotent edit and prints whether it changed anything.
    func change(_ what: String, _ edit: (DHIS2Client) async throws -> Bool) async throws {
        try await withClient { client in reportChange(try await edit(client), what) }
    }

    /// Prints whether an idempotent edit changed anything.
    func reportChange(_ changed: Bool, _ what: String) {
        if json {
            emitJSONLine(["changed": changed])
        } else {
            print("\(instance): \(what)\(changed ? "" : " (already so, nothing sent)")")
        }
    }
}

/// `--attribute UID[:mandatory,searchable,display-in-list]`: one attribute of a new tracked entity type.
enum AttributeSpec {
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ argument: String) throws(Invalid) -> TrackedEntityType.Attribute {
        let parts = argument.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let uid = String(parts[0])
        guard uid.count == 11, uid.first?.isLetter == true,
            uid.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else {
            throw Invalid(
                description:
                    "--attribute '\(argument)': '\(uid)' is not a DHIS2 UID (a letter, then 10 letters or digits)"
            )
        }
        var entry = TrackedEntityType.Attribute(uid, mandatory: false, searchable: false, displayInList: false)
        for flag in parts.count > 1 ? parts[1].split(separator: ",", omittingEmptySubsequences: false) : [] {
            switch flag.trimmingCharacters(in: .whitespaces).lowercased() {
            case "mandatory": entry.mandatory = true
            case "searchable": entry.searchable = true
            case "display-in-list", "displayinlist": entry.displayInList = true
            default:
                throw Invalid(
                    description:
                        "--attribute '\(argument)': unknown flag '\(flag)'; use mandatory, searchable or display-in-list"
                )
            }
        }
        return entry
    }
}
