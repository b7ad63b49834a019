import HTTPTypes
import Hummingbird

extension SimulatorResponder {
    /// `/api/system/tasks…` and `/api/system/taskSummaries…` (reference §5.4).
    func tasksRoute(_ call: Call) -> Outcome {
        let segments = call.segments
        let summaries = segments[2] == "taskSummaries"
        let type = segments.count > 3 ? String(segments[3]) : nil
        let id = segments.count > 4 ? String(segments[4]) : nil
        if call.method == "DELETE" && !summaries {
            core.tasks.clear(type: type)
            return Outcome(response: Response(status: .noContent))
        }
        guard call.method == "GET" else { return plainNotFound() }
        func notifications(_ id: String) -> JSONValue {
            .array((core.tasks.notifications(id: id) ?? []).map(\.json))
        }
        if summaries {
            guard let type else { return plainNotFound() }
            if let id {
                guard let summary = core.tasks.summary(id: id) else { return Outcome(response: Response(status: .ok)) }
                return json(summary)
            }
            return json(
                .object(
                    core.tasks.jobs(type: type).compactMap { job in
                        core.tasks.summary(id: job).map { JSONMember(job, $0) }
                    }
                )
            )
        }
        switch (type, id) {
        case (nil, _):
            return json(
                .object(
                    core.tasks.types.map { type in
                        JSONMember(type, .object(core.tasks.jobs(type: type).map { JSONMember($0, notifications($0)) }))
                    }
                )
            )
        case (let type?, nil):
            return json(.object(core.tasks.jobs(type: type).map { JSONMember($0, notifications($0)) }))
        case (_, let id?):
            return json(notifications(id))
        }
    }

    private static let maintenancePaths: Set<String> = [
        "analyticsTablesClear", "analyticsTablesAnalyze", "expiredInvitationsClear", "ouPathsUpdate", "periodPruning",
        "zeroDataValueRemoval", "softDeletedDataValueRemoval", "softDeletedProgramStageInstanceRemoval",
        "softDeletedEventRemoval", "softDeletedRelationshipRemoval", "softDeletedProgramInstanceRemoval",
        "softDeletedEnrollmentRemoval", "softDeletedTrackedEntityInstanceRemoval", "softDeletedTrackedEntityRemoval",
        "sqlViewsCreate", "sqlViewsDrop", "categoryOptionComboUpdate", "cacheClear", "cache",
    ]

    /// `/api/maintenance/*`: synchronous, 204 before 2.43 and a plain OK WebMessage from 2.43 (reference §5.3).
    func maintenance(_ call: Call) -> Outcome {
        let segments = call.segments
        if segments.count == 2 {
            // Batch form: every flag, known or invented, "succeeds" (dhis2w #126).
            if call.query.flag("softDeletedDataValueRemoval") == true { removeSoftDeletedValues() }
            return maintenanceDone()
        }
        let name = String(segments[2])
        if name == "categoryOptionComboUpdate" && segments.count == 5 && segments[3] == "categoryCombo" {
            let uid = String(segments[4])
            guard core.store.metadata.categoryCombo(uid, .uid) != nil else {
                return message(.conflict("CategoryCombo does not exist: \(uid)"))
            }
            return message(
                WebMessage(
                    200,
                    status: "OK",
                    message: "Import was successful.",
                    response: .object([JSONMember("responseType", .string("ImportSummaries"))])
                )
            )
        }
        guard segments.count == 3, SimulatorResponder.maintenancePaths.contains(name) else { return plainNotFound() }
        if name == "softDeletedDataValueRemoval" { removeSoftDeletedValues() }
        return maintenanceDone()
    }

    private func maintenanceDone() -> Outcome {
        if core.version.usesDataEntryRewrite { return message(WebMessage(200, status: "OK")) }
        return Outcome(response: Response(status: .noContent))
    }

    /// Hard-deletes the soft-deleted rows written through imports. Generated soft-deleted rows stay: they are
    /// part of the seeded data set.
    private func removeSoftDeletedValues() {
        core.store.withState { state in
            state.removeOverlay { _, entry in entry.stored.deleted && !entry.shadowsPristine }
        }
    }

    /// `POST|PUT /api/resourceTables[/analytics]`: a job with progress notifications; 409 while one runs.
    func resourceTables(_ call: Call) -> Outcome {
        let segments = call.segments
        let analytics = segments.count == 3 && segments[2] == "analytics"
        guard segments.count == 2 || analytics || (segments.count == 3 && segments[2] == "monitoring") else {
            return plainNotFound()
        }
        let type = analytics ? "ANALYTICS_TABLE" : (segments.count == 3 ? "MONITORING" : "RESOURCE_TABLE")
        if core.tasks.isRunning(type: type) {
            let text =
                core.version.ignoresPayloadTimestamps
                ? "Job is already running." : "Job of type \(type) is already running"
            return message(.conflict(text))
        }
        let legacy =
            analytics ? "inMemoryAnalyticsJob" : (type == "MONITORING" ? "monitoring" : "inMemoryResourceTableJob")
        var parameters = JSONObjectBuilder()
        for name in [
            "skipResourceTables", "skipAggregate", "skipEvents", "skipEnrollment", "skipOrgUnitOwnership",
            "skipTrackedEntities", "skipOutliers", "skipValidationResult",
        ] {
            parameters.add(name, call.query.flag(name) ?? false)
        }
        if let years = call.query["lastYears"].flatMap({ Int($0) }) { parameters.add("lastYears", years) }
        let (outcome, id) = kickOff(type: type, legacyName: legacy, parameters: parameters.value, call: call)
        let steps =
            analytics
            ? [
                "Analytics table update process started", "Updating resource tables", "Populating analytics tables",
                "Applying aggregation levels", "Creating indexes", "Analytics tables updated",
            ]
            : ["Resource table update started", "Resource tables generated"]
        runSteps(steps, type: type, id: id)
        return outcome
    }

    /// Plays a job's notifications, one per `jobDelay`, calling `onStep` with each step's position before its
    /// notification. An armed failure (``DHIS2Simulator/failNextJob(_:message:)``) ends the job half-way with
    /// an ERROR notification, which DHIS2 marks completed too, after calling `onFailure`.
    func runSteps(
        _ steps: [String],
        type: String,
        id: String,
        onStep: (@Sendable (Int) -> Void)? = nil,
        onFailure: (@Sendable () -> Void)? = nil
    ) {
        let core = core
        let failure = core.tasks.takeFailure(type: type)
        Task {
            for (position, step) in steps.enumerated() {
                try? await Task.sleep(for: core.configuration.jobDelay)
                if let failure, position == steps.count / 2 {
                    onFailure?()
                    core.tasks.notify(type: type, id: id, "Process failed: \(failure)", level: "ERROR", completed: true)
                    if let lifetime = core.configuration.failedJobFeedLifetime {
                        try? await Task.sleep(for: lifetime)
                        core.tasks.clear(id: id)
                    }
                    return
                }
                onStep?(position)
                core.tasks.notify(type: type, id: id, step, completed: position == steps.count - 1)
            }
        }
    }
}
