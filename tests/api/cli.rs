//! The command line of the contract, run as a real process.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::helpers::{TestBackend, TestDb};

fn onestop(db: &TestDb, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_onestop"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("RUST_LOG", "warn")
        .env_remove("ONESTOP_SECRET_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run onestop");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn migrate_seed_and_seed_again() {
    let db = TestDb::new(TestBackend::from_env());
    let out = onestop(&db, &["migrate"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("applied"));
    let out = onestop(&db, &["migrate"], None);
    assert!(stdout(&out).contains("up to date"));

    let out = onestop(&db, &["seed"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("departments: 52") && text.contains("service items: 407"),
        "{text}"
    );
    let out = onestop(&db, &["seed", "--demo"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("already in the database"));
    assert!(
        text.contains("admin") && text.contains("13904730001"),
        "{text}"
    );
}

#[test]
fn user_add_reads_the_password_from_stdin_and_refuses_bad_input() {
    let db = TestDb::new(TestBackend::from_env());
    let add = |extra: &[&str], password: &str| {
        let mut args = vec!["user", "add"];
        args.extend_from_slice(extra);
        args.push("--password-stdin");
        onestop(&db, &args, Some(&format!("{password}\n")))
    };
    let out = add(
        &[
            "--role",
            "admin",
            "--phone",
            "13904739999",
            "--name",
            "管理员",
        ],
        "Wuhai-Admin-2026",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("139****9999"),
        "the phone is masked: {}",
        stdout(&out)
    );

    let out = add(
        &[
            "--role",
            "clerk",
            "--phone",
            "13904738888",
            "--name",
            "窗口人员",
            "--window",
            "15",
        ],
        "Wuhai-Clerk-2026",
    );
    assert!(out.status.success(), "{}", stderr(&out));

    for (args, password, expect) in [
        (
            vec![
                "--role",
                "admin",
                "--phone",
                "13904739999",
                "--name",
                "重复",
            ],
            "Wuhai-Admin-2026",
            "exists",
        ),
        (
            vec!["--role", "boss", "--phone", "13904737777", "--name", "x"],
            "Wuhai-Admin-2026",
            "--role",
        ),
        (
            vec!["--role", "admin", "--phone", "12345", "--name", "x"],
            "Wuhai-Admin-2026",
            "mobile",
        ),
        (
            vec!["--role", "admin", "--phone", "13904737777", "--name", "x"],
            "12345678",
            "common",
        ),
        (
            vec![
                "--role",
                "clerk",
                "--phone",
                "13904737777",
                "--name",
                "x",
                "--window",
                "999",
            ],
            "Wuhai-Clerk-2026",
            "window",
        ),
        (
            vec![
                "--role",
                "dept_admin",
                "--phone",
                "13904737777",
                "--name",
                "x",
            ],
            "Wuhai-Dept-2026",
            "department",
        ),
    ] {
        let out = add(&args, password);
        assert!(!out.status.success(), "{args:?} should fail");
        let err = stderr(&out);
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
        assert!(err.contains(expect), "{args:?}: {err}");
    }

    let out = onestop(
        &db,
        &[
            "user",
            "add",
            "--role",
            "admin",
            "--phone",
            "13904736666",
            "--name",
            "x",
        ],
        None,
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--password-stdin"));
}

#[test]
fn full_width_and_multi_byte_id_numbers_on_the_command_line_never_panic() {
    let db = TestDb::new(TestBackend::from_env());
    let id = crate::helpers::id_number(11);
    let wide: String = id
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
        .collect();
    let args = |id: &str, phone: &str| {
        vec![
            "user".to_string(),
            "add".into(),
            "--role".into(),
            "resident".into(),
            "--phone".into(),
            phone.into(),
            "--name".into(),
            "全角".into(),
            "--id-number".into(),
            id.into(),
            "--password-stdin".into(),
        ]
    };
    let run = |a: Vec<String>| {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        onestop(&db, &a, Some("Wuhai-Hall-2026\n"))
    };
    let out = run(args(&wide, "13804739001"));
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(args(&"８".repeat(17), "13804739002"));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = run(args("15030219850612301😀", "13804739003"));
    assert_eq!(
        out.status.code(),
        Some(1),
        "a clear error, not a panic (101)"
    );
    let err = stderr(&out);
    assert!(!err.contains("panicked") && !err.contains("😀"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}
