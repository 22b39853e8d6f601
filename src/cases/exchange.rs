//! The hall's 办件 data in the shape of the provincial exchange tables, so
//! that it can be handed upward: 受理信息 (accept), 办理过程信息 (process),
//! 特别程序信息 (special procedures) and 办结信息 (result), one CSV each.
//! Each table takes the records of its own kind made in the period (an
//! incremental upload), as the platform expects. Phone numbers appear
//! masked, as everywhere else.

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::prelude::*;

use super::models::{Case, CaseStatus, SuspensionKind};
use crate::clock::local;
use crate::db::DbConn;
use crate::db::ids::{CaseId, DepartmentId, HallId};
use crate::db::schema::{
    accounts, case_events, case_suspensions, cases, departments, service_items,
};
use crate::i18n::Lang;
use crate::text_enum;

text_enum!(
    /// The four exchange tables.
    ExchangeTable {
        Accept = "accept",
        Process = "process",
        Special = "special",
        Result = "result",
    }
);

/// Whose cases, and which days (the hall's local days, both included).
#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub hall: HallId,
    pub department: Option<DepartmentId>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub tz: Tz,
}

impl Period {
    fn contains(&self, at: NaiveDateTime) -> bool {
        (self.from..=self.to).contains(&local(at, self.tz).date())
    }
}

/// Rows of one table, header first.
pub fn rows(conn: &mut DbConn, table: ExchangeTable, p: &Period) -> QueryResult<Vec<Vec<String>>> {
    match table {
        ExchangeTable::Accept => accept_rows(conn, p),
        ExchangeTable::Process => process_rows(conn, p),
        ExchangeTable::Special => special_rows(conn, p),
        ExchangeTable::Result => result_rows(conn, p),
    }
}

fn cells<const N: usize>(v: [&str; N]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn day(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn time(t: Option<NaiveDateTime>, tz: Tz) -> String {
    t.map(|t| local(t, tz).format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// Only the last four digits are kept with a case.
fn last4(digits: &str) -> String {
    if digits.is_empty() {
        String::new()
    } else {
        format!("*******{digits}")
    }
}

fn yes(b: bool) -> String {
    if b { "是" } else { "否" }.to_string()
}

/// The hall's cases (of one department) with their item code, item name
/// and department name.
fn scoped(
    conn: &mut DbConn,
    p: &Period,
    only: Option<&[CaseId]>,
) -> QueryResult<Vec<(Case, String, String, String)>> {
    let mut q = cases::table
        .inner_join(service_items::table)
        .inner_join(departments::table.on(departments::id.eq(cases::department_id)))
        .filter(cases::hall_id.eq(p.hall))
        .order(cases::id)
        .select((
            Case::as_select(),
            service_items::code,
            service_items::name,
            departments::name,
        ))
        .into_boxed();
    if let Some(d) = p.department {
        q = q.filter(cases::department_id.eq(d));
    }
    if let Some(ids) = only {
        q = q.filter(cases::id.eq_any(ids.to_vec()));
    } else {
        q = q.filter(cases::received_on.between(p.from, p.to));
    }
    q.load(conn)
}

/// 受理信息: cases received in the period.
fn accept_rows(conn: &mut DbConn, p: &Period) -> QueryResult<Vec<Vec<String>>> {
    let mut out = vec![cells([
        "办件编号",
        "事项编码",
        "事项名称",
        "受理部门",
        "收件日期",
        "受理日期",
        "受理状态",
        "补正告知时间",
        "补正告知超期",
        "承诺时限(工作日)",
        "法定时限(工作日)",
        "承诺办结日期",
        "法定办结日期",
        "申请人联系电话",
    ])];
    for (c, code, item, dept) in scoped(conn, p, None)? {
        out.push(vec![
            c.case_number.clone(),
            code,
            item,
            dept,
            c.received_on.to_string(),
            day(c.accepted_on),
            Lang::Zh.t(&format!("case-{}", c.status.as_str())),
            time(c.notice_at, p.tz),
            yes(c.notice_late || c.notice_overdue(p.to)),
            c.promised_days.to_string(),
            c.legal_days.to_string(),
            day(c.promised_due),
            day(c.legal_due),
            last4(&c.phone_last4),
        ]);
    }
    Ok(out)
}

/// 办理过程信息: every step recorded in the period, with who did it.
fn process_rows(conn: &mut DbConn, p: &Period) -> QueryResult<Vec<Vec<String>>> {
    let (start, end) = (
        p.from - chrono::Duration::days(1),
        p.to + chrono::Duration::days(1),
    );
    let events: Vec<(CaseId, String, String, Option<String>, NaiveDateTime)> = case_events::table
        .left_join(accounts::table.on(accounts::id.nullable().eq(case_events::actor_id)))
        .filter(case_events::at.ge(start.and_hms_opt(0, 0, 0).unwrap_or_default()))
        .filter(case_events::at.lt(end.and_hms_opt(0, 0, 0).unwrap_or_default()))
        .order((case_events::at, case_events::id))
        .select((
            case_events::case_id,
            case_events::status,
            case_events::note,
            accounts::name.nullable(),
            case_events::at,
        ))
        .load(conn)?;
    let events: Vec<_> = events.into_iter().filter(|e| p.contains(e.4)).collect();
    let ids: Vec<CaseId> = events.iter().map(|e| e.0).collect();
    let known = scoped(conn, p, Some(&ids))?;
    let mut out = vec![cells([
        "办件编号",
        "事项编码",
        "环节名称",
        "办理意见",
        "办理人",
        "办理部门",
        "办理时间",
    ])];
    for (case, status, note, actor, at) in events {
        let Some((c, code, _, dept)) = known.iter().find(|k| k.0.id == case) else {
            continue;
        };
        out.push(vec![
            c.case_number.clone(),
            code.clone(),
            step_name(&status),
            note,
            actor.unwrap_or_else(|| "系统".into()),
            dept.clone(),
            time(Some(at), p.tz),
        ]);
    }
    Ok(out)
}

/// A step's name as the tables write it: a status, or a clock move.
fn step_name(status: &str) -> String {
    let key = match status.parse::<CaseStatus>() {
        Ok(s) => format!("case-{}", s.as_str()),
        Err(_) => format!("case-{status}"),
    };
    if Lang::Zh.has(&key) {
        Lang::Zh.t(&key)
    } else {
        status.to_string()
    }
}

/// A suspension as the table needs it: case, kind, reason, from, to, by.
type StopRow = (
    CaseId,
    String,
    String,
    NaiveDate,
    Option<NaiveDate>,
    Option<String>,
);

/// 特别程序信息: suspensions begun in the period and extensions granted in
/// it.
fn special_rows(conn: &mut DbConn, p: &Period) -> QueryResult<Vec<Vec<String>>> {
    let stops: Vec<StopRow> = case_suspensions::table
        .left_join(accounts::table.on(accounts::id.nullable().eq(case_suspensions::started_by)))
        .filter(case_suspensions::from_day.between(p.from, p.to))
        .order(case_suspensions::id)
        .select((
            case_suspensions::case_id,
            case_suspensions::kind,
            case_suspensions::reason,
            case_suspensions::from_day,
            case_suspensions::to_day,
            accounts::name.nullable(),
        ))
        .load(conn)?;
    let mut ids: Vec<CaseId> = stops.iter().map(|s| s.0).collect();
    let extended: Vec<(CaseId, NaiveDateTime)> = cases::table
        .filter(cases::hall_id.eq(p.hall))
        .filter(cases::extended_at.is_not_null())
        .select((cases::id, cases::extended_at.assume_not_null()))
        .load(conn)?;
    let extended: Vec<CaseId> = extended
        .into_iter()
        .filter(|(_, at)| p.contains(*at))
        .map(|(id, _)| id)
        .collect();
    ids.extend(&extended);
    let known = scoped(conn, p, Some(&ids))?;
    let mut out = vec![cells([
        "办件编号",
        "事项编码",
        "特别程序种类",
        "特别程序原因",
        "开始日期",
        "结束日期",
        "时限(工作日)",
        "审批人",
    ])];
    for (case, kind, reason, from, to, by) in stops {
        let Some((c, code, _, _)) = known.iter().find(|k| k.0.id == case) else {
            continue;
        };
        let kind = kind
            .parse::<SuspensionKind>()
            .map(|k| Lang::Zh.t(&format!("suspension-{}", k.as_str())))
            .unwrap_or(kind);
        out.push(vec![
            c.case_number.clone(),
            code.clone(),
            kind,
            reason,
            from.to_string(),
            day(to),
            String::new(),
            by.unwrap_or_default(),
        ]);
    }
    for (c, code, _, _) in known.iter().filter(|k| extended.contains(&k.0.id)) {
        let approver: Option<String> = match c.extended_by {
            Some(a) => accounts::table
                .find(a)
                .select(accounts::name)
                .first(conn)
                .optional()?,
            None => None,
        };
        out.push(vec![
            c.case_number.clone(),
            code.clone(),
            "延长办理时限".into(),
            c.extension_reason.clone(),
            time(c.extended_at, p.tz).chars().take(10).collect(),
            String::new(),
            c.extended_days.to_string(),
            approver.unwrap_or_default(),
        ]);
    }
    Ok(out)
}

/// 办结信息: cases concluded in the period.
fn result_rows(conn: &mut DbConn, p: &Period) -> QueryResult<Vec<Vec<String>>> {
    let done: Vec<(CaseId, NaiveDateTime)> = cases::table
        .filter(cases::hall_id.eq(p.hall))
        .filter(cases::concluded_at.is_not_null())
        .select((cases::id, cases::concluded_at.assume_not_null()))
        .load(conn)?;
    let ids: Vec<CaseId> = done
        .into_iter()
        .filter(|(_, at)| p.contains(*at))
        .map(|(id, _)| id)
        .collect();
    let mut out = vec![cells([
        "办件编号",
        "事项编码",
        "事项名称",
        "办结时间",
        "办结结果",
        "结果名称",
        "送达方式",
        "是否按时办结",
        "暂停计时(工作日)",
        "延长时限(工作日)",
        "审批意见",
    ])];
    for (c, code, item, _) in scoped(conn, p, Some(&ids))? {
        let refused = matches!(c.status, CaseStatus::Refused);
        out.push(vec![
            c.case_number.clone(),
            code,
            item,
            time(c.concluded_at, p.tz),
            if refused {
                "不予许可"
            } else {
                "准予许可"
            }
            .into(),
            c.result_name.clone(),
            c.delivery.clone(),
            yes(c.on_time.unwrap_or(false)),
            c.suspended_days.to_string(),
            c.extended_days.to_string(),
            c.conclusion_note.clone(),
        ]);
    }
    Ok(out)
}
