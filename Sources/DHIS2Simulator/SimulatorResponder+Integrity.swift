import HTTPTypes
import Hummingbird

extension SimulatorResponder {
    /// `/api/dataIntegrity…` (reference §5.1): the check list, summary and details runs as jobs, their results.
    func dataIntegrity(_ request: Request, _ call: Call) async throws -> Outcome {
        let segments = call.segments
        let kind = segments.count > 2 ? IntegrityStore.Kind(rawValue: String(segments[2])) : nil
        switch (call.method, segments.count) {
        case ("GET", 2):
            return json(.array(listedChecks(call.query).map { .object($0.fields(version: core.version)) }))
        case ("POST", 2):
            // The legacy "REPORT" run: a job without results the simulator keeps.
            let (outcome, id) = kickOff(
                type: "DATA_INTEGRITY",
                legacyName: "dataIntegrity",
                parameters: nil,
                call: call
            )
            runSteps(
                ["Data integrity checks started", "Data integrity checks completed"],
                type: "DATA_INTEGRITY",
                id: id
            )
            return outcome
        case ("POST", 3), ("PUT", 3):
            guard let kind else { return plainNotFound() }
            return startIntegrityRun(kind, checks: try await selectedChecks(request, call), call: call)
        case ("GET", 3):
            guard let kind else { return plainNotFound() }
            let names = Set(selection(call.query.all("checks"), includeSlow: true).map(\.name))
            if let timeout = call.query["timeout"].flatMap({ Int($0) }) {
                await waitWhileRunning(kind, names, timeout: .milliseconds(max(0, min(timeout, 60_000))))
            }
            let completed = core.integrity.completed(kind)
            return json(
                .object(
                    core.integrityChecks.compactMap { check in
                        guard names.contains(check.name), let result = completed[check.name] else { return nil }
                        return JSONMember(check.name, result)
                    }
                )
            )
        case ("GET", 4) where kind != nil && (segments[3] == "running" || segments[3] == "completed"):
            guard let kind else { return plainNotFound() }
            let names =
                segments[3] == "running" ? core.integrity.running(kind) : Set(core.integrity.completed(kind).keys)
            return json(.array(names.sorted().map { .string($0) }))
        case ("GET", 4):
            guard let single = IntegrityStore.Kind(rawValue: String(segments[3])) else { return plainNotFound() }
            let name = String(segments[2])
            guard core.integrityChecks.contains(where: { $0.name == name }) else {
                return message(.notFound("No data integrity check with name: \(name)", errorCode: nil))
            }
            // Not (yet) run: Spring writes the null answer as an empty 200.
            guard let result = core.integrity.completed(single)[name] else {
                return Outcome(response: Response(status: .ok))
            }
            return json(result)
        default:
            return plainNotFound()
        }
    }

    /// `GET /api/dataIntegrity?checks=&section=&slow=&programmatic=`.
    private func listedChecks(_ query: QueryParameters) -> [IntegrityCheck] {
        let selectors = query.all("checks")
        return core.integrityChecks.filter { check in
            (selectors.isEmpty || selectors.contains { check.matches($0) })
                && (query["section"].map { $0 == check.section } ?? true)
                && (query.flag("slow").map { $0 == check.isSlow } ?? true)
                && (query.flag("programmatic").map { $0 == check.isProgrammatic } ?? true)
        }
    }

    /// The checks named by selectors (names, `*` patterns, codes); none named means every check that is not slow.
    private func selection(_ selectors: [String], includeSlow: Bool = false) -> [IntegrityCheck] {
        guard !selectors.isEmpty else { return core.integrityChecks.filter { includeSlow || !$0.isSlow } }
        return core.integrityChecks.filter { check in selectors.contains { check.matches($0) } }
    }

    /// `checks=` from the query, or a JSON array of names as the body.
    private func selectedChecks(_ request: Request, _ call: Call) async throws -> [IntegrityCheck] {
        var selectors = call.query.all("checks")
        if selectors.isEmpty {
            var bytes: [UInt8] = []
            for try await buffer in request.body { bytes.append(contentsOf: buffer.readableBytesView) }
            if !bytes.isEmpty {
                guard let names = (try? JSONValue.parse(bytes))?.arrayValue?.compactMap(\.stringValue) else {
                    throw WebMessage.badRequest("The body must be a JSON array of check names")
                }
                selectors = names
            }
        }
        return selection(selectors)
    }

    /// Starts a summary or details job; each check's result is stored as its step completes.
    private func startIntegrityRun(_ kind: IntegrityStore.Kind, checks: [IntegrityCheck], call: Call) -> Outcome {
        let type = kind.jobType
        var parameters = JSONObjectBuilder()
        parameters.add("checks", .array(checks.map { .string($0.name) }))
        parameters.add("type", kind == .summary ? "SUMMARY" : "DETAILS")
        let (kickoff, id) = kickOff(type: type, legacyName: "dataIntegrity", parameters: parameters.value, call: call)
        var outcome = kickoff
        let query = checks.map(\.name).joined(separator: ",")
        outcome.response.headers[.location] = "\(call.baseURL)/api/dataIntegrity/\(kind.rawValue)?checks=\(query)"
        let names = checks.map(\.name)
        core.integrity.begin(kind, names)
        let core = core
        let evaluator = IntegrityEvaluator(
            metadata: core.store.metadata,
            seed: core.configuration.seed,
            userID: core.userID,
            username: core.configuration.username
        )
        let steps =
            ["Running \(checks.count) data integrity \(kind.rawValue) checks"]
            + names.map { "Check \($0) done" } + ["Data integrity \(kind.rawValue) checks completed"]
        runSteps(
            steps,
            type: type,
            id: id,
            onStep: { position in
                guard checks.indices.contains(position - 1) else { return }
                let check = checks[position - 1]
                let result = IntegrityResult(check: check, kind: kind, core: core, evaluator: evaluator)
                core.integrity.finish(kind, check.name, result.json)
            },
            onFailure: { core.integrity.abandon(kind, names) }
        )
        return outcome
    }

    private func waitWhileRunning(_ kind: IntegrityStore.Kind, _ names: Set<String>, timeout: Duration) async {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline, !core.integrity.running(kind).isDisjoint(with: names) {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// One check's result as `DataIntegritySummary` / `DataIntegrityDetails` write it: the check's fields inlined,
/// then `startTime, finishedTime, error` and `count, percentage` (summary) or `issues` (details).
struct IntegrityResult {
    var json: JSONValue

    init(check: IntegrityCheck, kind: IntegrityStore.Kind, core: SimulatorCore, evaluator: IntegrityEvaluator) {
        let started = Timestamp.now()
        var builder = JSONObjectBuilder()
        for member in check.fields(version: core.version) { builder.add(member.key, member.value) }
        builder.add("startTime", started.isoNoZone)
        builder.add("finishedTime", Timestamp.now().isoNoZone)
        if core.configuration.failingIntegrityChecks.contains(check.name) {
            builder.add("error", "ERROR: relation \"\(check.issuesIdType ?? "object")_view\" does not exist")
            if kind == .summary { builder.add("count", -1) }
            json = builder.value
            return
        }
        let outcome = evaluator.evaluate(check)
        switch kind {
        case .summary:
            builder.add("count", outcome.issues.count)
            if let percentage = outcome.percentage { builder.add("percentage", .number(String(percentage))) }
        case .details:
            builder.add("issues", .array(outcome.issues.map(\.json)))
        }
        json = builder.value
    }
}
