//! Message keys built at run time (`format!("case-{}", status)`) are out of
//! the reach of the literal-key test in src/i18n.rs: each family is listed
//! here with every value it can take, and each key must exist in both
//! languages.

use onestop::accounts::models::Role;
use onestop::audit::AuditResult;
use onestop::cases::models::CaseStatus;
use onestop::hall::models::HallLevel;
use onestop::i18n::Lang;
use onestop::notify::models::{MessageKind, MessageStatus};

fn families() -> Vec<String> {
    let mut keys = Vec::new();
    keys.extend((1..=7).map(|d| format!("weekday-{d}")));
    keys.extend((1..=12).map(|m| format!("month-{m}")));
    for s in CaseStatus::ALL {
        keys.push(format!("case-{}", s.as_str()));
        keys.push(format!("case-{}-explain", s.as_str()));
    }
    keys.extend(
        HallLevel::ALL
            .iter()
            .map(|l| format!("level-{}", l.as_str())),
    );
    keys.extend(Role::ALL.iter().map(|r| format!("role-{}", r.as_str())));
    keys.extend(
        AuditResult::ALL
            .iter()
            .map(|r| format!("audit-result-{}", r.as_str())),
    );
    keys.extend(
        MessageKind::ALL
            .iter()
            .map(|k| format!("message-kind-{}", k.as_str())),
    );
    keys.extend(
        MessageStatus::ALL
            .iter()
            .map(|s| format!("message-{}", s.as_str())),
    );
    for code in [
        "400", "401", "403", "404", "405", "409", "413", "422", "429", "500", "503",
    ] {
        keys.push(format!("error-{code}-title"));
        keys.push(format!("error-{code}-message"));
    }
    keys
}

#[test]
fn every_key_built_at_run_time_exists_in_both_languages() {
    let missing: Vec<String> = families()
        .into_iter()
        .filter(|k| !Lang::Zh.has(k) || !Lang::En.has(k))
        .collect();
    assert!(missing.is_empty(), "undefined messages: {missing:?}");
}
