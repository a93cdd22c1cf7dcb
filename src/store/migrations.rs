//! Versioned schema migrations. Each entry runs once, in order, inside a transaction.

pub const MIGRATIONS: &[&str] = &[
    // 1: scans, coverage, resources and versions, findings with lifecycle, per-rule counts.
    r#"
CREATE TABLE scans (
    id            INTEGER PRIMARY KEY,
    started_at    TEXT NOT NULL,
    finished_at   TEXT NOT NULL,
    target        TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('complete', 'partial', 'failed')),
    resources     INTEGER NOT NULL,
    rules         INTEGER NOT NULL,
    evaluations   INTEGER NOT NULL
);
CREATE TABLE scan_coverage (
    scan_id  INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
    scope    TEXT NOT NULL,
    status   TEXT NOT NULL CHECK (status IN ('complete', 'failed', 'skipped')),
    error    TEXT,
    PRIMARY KEY (scan_id, scope)
);
CREATE TABLE scan_errors (
    scan_id      INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    subject      TEXT NOT NULL,
    resource_id  TEXT,
    message      TEXT NOT NULL
);
CREATE INDEX scan_errors_scan ON scan_errors(scan_id);
CREATE TABLE resources (
    id              TEXT PRIMARY KEY,
    type            TEXT NOT NULL,
    provider        TEXT NOT NULL,
    account         TEXT,
    region          TEXT,
    name            TEXT,
    scope           TEXT NOT NULL,
    current_hash    TEXT NOT NULL,
    first_seen_scan INTEGER NOT NULL,
    last_seen_scan  INTEGER NOT NULL
);
CREATE INDEX resources_scope ON resources(scope);
CREATE TABLE resource_versions (
    resource_id TEXT NOT NULL,
    scan_id     INTEGER NOT NULL,
    hash        TEXT NOT NULL,
    document    TEXT NOT NULL,
    PRIMARY KEY (resource_id, scan_id)
);
CREATE TABLE findings (
    id            INTEGER PRIMARY KEY,
    rule_id       TEXT NOT NULL,
    resource_id   TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    scope         TEXT NOT NULL,
    severity      TEXT NOT NULL,
    controls      TEXT NOT NULL,
    message       TEXT NOT NULL,
    path          TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'reopened')),
    stale         INTEGER NOT NULL DEFAULT 0,
    first_seen    TEXT NOT NULL,
    last_seen     TEXT NOT NULL,
    first_scan    INTEGER NOT NULL,
    last_scan     INTEGER NOT NULL,
    resolved_at   TEXT,
    UNIQUE (rule_id, resource_id)
);
CREATE INDEX findings_status ON findings(status);
CREATE INDEX findings_scope ON findings(scope);
CREATE TABLE finding_events (
    finding_id INTEGER NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
    scan_id    INTEGER NOT NULL,
    event      TEXT NOT NULL CHECK (event IN ('opened', 'resolved', 'reopened')),
    at         TEXT NOT NULL
);
CREATE INDEX finding_events_finding ON finding_events(finding_id);
CREATE TABLE rule_results (
    scan_id  INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
    rule_id  TEXT NOT NULL,
    pass     INTEGER NOT NULL,
    fail     INTEGER NOT NULL,
    error    INTEGER NOT NULL,
    PRIMARY KEY (scan_id, rule_id)
);
"#,
    // 2: what identifies an account or cluster beyond its name.
    r#"
CREATE TABLE identities (
    account     TEXT PRIMARY KEY,
    identity    TEXT NOT NULL,
    first_scan  INTEGER NOT NULL,
    last_scan   INTEGER NOT NULL
);
"#,
    // 3: drift — removal of resources, drift events, accepted baselines.
    r#"
ALTER TABLE resources ADD COLUMN removed_scan INTEGER;
CREATE TABLE drift_events (
    id            INTEGER PRIMARY KEY,
    scan_id       INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
    resource_id   TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    account       TEXT,
    change        TEXT NOT NULL CHECK (change IN ('added', 'removed', 'modified')),
    changes       TEXT NOT NULL
);
CREATE INDEX drift_events_scan ON drift_events(scan_id);
CREATE INDEX drift_events_resource ON drift_events(resource_id);
CREATE TABLE baselines (
    target       TEXT PRIMARY KEY,
    scan_id      INTEGER NOT NULL,
    accepted_at  TEXT NOT NULL
);
"#,
    // 4: the append-only, hash-chained audit log.
    r#"
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    details    TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
ALTER TABLE scans ADD COLUMN audit_hash TEXT;
"#,
    // 5: waivers.
    r#"
CREATE TABLE waivers (
    id          INTEGER PRIMARY KEY,
    rule        TEXT NOT NULL,
    resource    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    owner       TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    removed_at  TEXT,
    removed_by  TEXT
);
"#,
    // 6: since when each idle resource has been idle.
    r#"
CREATE TABLE idle (
    resource_id  TEXT PRIMARY KEY,
    since        TEXT NOT NULL,
    reason       TEXT NOT NULL,
    first_scan   INTEGER NOT NULL
);
"#,
    // 7: removal lookups.
    r#"
CREATE INDEX resources_removed ON resources(removed_scan);
"#,
    // 8: the run id a daemon scan's log lines carry.
    r#"
ALTER TABLE scans ADD COLUMN run_id TEXT;
CREATE INDEX scans_run_id ON scans(run_id);
"#,
    // 9: the key of the keyed hashes beside redacted values, and how far stored history has
    // been redacted (see store::redaction).
    r#"
CREATE TABLE redaction (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    key      BLOB NOT NULL CHECK (length(key) = 32),
    scrubbed INTEGER NOT NULL DEFAULT 0
);
"#,
    // 10: remediation plans, the findings they answer, approvals, the calls applies made,
    // and each approver's last accepted TOTP time step (the secrets live in a file).
    r#"
CREATE TABLE plans (
    id                  INTEGER PRIMARY KEY,
    state               TEXT NOT NULL CHECK (state IN ('proposed', 'approved', 'rejected',
                          'expired', 'stale', 'applying', 'applied', 'failed',
                          'partially_applied', 'verified', 'verify_failed')),
    plan_hash           TEXT NOT NULL,
    requester           TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    production          INTEGER NOT NULL,
    approvals_required  INTEGER NOT NULL,
    expires_at          TEXT,
    reason              TEXT,
    applied_scan        INTEGER,
    scopes              TEXT NOT NULL,
    actions             TEXT NOT NULL
);
CREATE INDEX plans_state ON plans(state);
CREATE TABLE plan_findings (
    plan_id     INTEGER NOT NULL REFERENCES plans(id),
    finding_id  INTEGER NOT NULL,
    rule_id     TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    severity    TEXT NOT NULL,
    controls    TEXT NOT NULL,
    message     TEXT NOT NULL,
    PRIMARY KEY (plan_id, finding_id)
);
CREATE INDEX plan_findings_finding ON plan_findings(finding_id);
CREATE TABLE approvals (
    plan_id    INTEGER NOT NULL REFERENCES plans(id),
    principal  TEXT NOT NULL,
    plan_hash  TEXT NOT NULL,
    at         TEXT NOT NULL,
    totp_step  INTEGER NOT NULL,
    PRIMARY KEY (plan_id, principal)
);
CREATE TABLE executions (
    id       INTEGER PRIMARY KEY,
    plan_id  INTEGER NOT NULL REFERENCES plans(id),
    action   INTEGER NOT NULL,
    call     TEXT NOT NULL,
    at       TEXT NOT NULL,
    outcome  TEXT NOT NULL CHECK (outcome IN ('ok', 'failed')),
    answer   TEXT NOT NULL
);
CREATE INDEX executions_plan ON executions(plan_id);
CREATE TABLE mfa_state (
    principal     TEXT PRIMARY KEY,
    last_step     INTEGER NOT NULL DEFAULT 0,
    failures      INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT
);
"#,
    // 11: a plan's summary for humans, apart from its actions (never part of the hash).
    r#"
ALTER TABLE plans ADD COLUMN summary TEXT;
"#,
    // 12: each request for a plan's summary, kept for audit (prompt, answer, what the
    // checks made of it); mail waiting to go or given up; approval-page link tokens (only
    // their SHA-256).
    r#"
CREATE TABLE summary_requests (
    id             INTEGER PRIMARY KEY,
    plan_id        INTEGER NOT NULL REFERENCES plans(id),
    at             TEXT NOT NULL,
    provider       TEXT NOT NULL,
    model          TEXT NOT NULL,
    requests       INTEGER NOT NULL,
    prompt_sha256  TEXT NOT NULL,
    system         TEXT NOT NULL,
    prompt         TEXT NOT NULL,
    answer         TEXT,
    outcome        TEXT NOT NULL,
    latency_ms     INTEGER NOT NULL,
    input_tokens   INTEGER,
    output_tokens  INTEGER
);
CREATE INDEX summary_requests_plan ON summary_requests(plan_id);
CREATE INDEX summary_requests_at ON summary_requests(at);
CREATE TABLE mail_outbox (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    plan_id       INTEGER,
    recipients    TEXT NOT NULL,
    subject       TEXT NOT NULL,
    text_body     TEXT NOT NULL,
    html_body     TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_attempt  TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed')),
    last_error    TEXT,
    answer        TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox(state, next_attempt);
CREATE INDEX audit_log_subject ON audit_log(subject);
CREATE TABLE plan_links (
    token_sha256  TEXT PRIMARY KEY,
    plan_id       INTEGER NOT NULL REFERENCES plans(id),
    plan_hash     TEXT NOT NULL,
    recipient     TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    used_at       TEXT
);
"#,
    // 13: what is known of each AWS account besides its id (an organization's or a listed
    // account's name, OU path, tags), as its latest scan saw it.
    r#"
CREATE TABLE aws_accounts (
    id         TEXT PRIMARY KEY,
    name       TEXT,
    meta       TEXT NOT NULL,
    last_scan  INTEGER NOT NULL REFERENCES scans(id)
);
CREATE INDEX aws_accounts_name ON aws_accounts(name);
"#,
    // 14: PASS/FAIL counts per rule and account (a posture cut per account); a scan
    // recorded account by account (`recording` until its last account is in) and the index
    // it reads earlier coverage through.
    r#"
CREATE TABLE rule_results_by_account (
    scan_id  INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
    rule_id  TEXT NOT NULL,
    account  TEXT NOT NULL,
    pass     INTEGER NOT NULL,
    fail     INTEGER NOT NULL,
    error    INTEGER NOT NULL,
    PRIMARY KEY (scan_id, rule_id, account)
);
INSERT INTO rule_results_by_account (scan_id, rule_id, account, pass, fail, error)
    SELECT scan_id, rule_id, '', pass, fail, error FROM rule_results;
DROP TABLE rule_results;
ALTER TABLE rule_results_by_account RENAME TO rule_results;
CREATE INDEX scan_coverage_scope ON scan_coverage(scope);
ALTER TABLE scans ADD COLUMN recording INTEGER NOT NULL DEFAULT 0;
"#,
];
