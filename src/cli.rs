//! The command line of the contract: `serve` (default), `migrate`,
//! `seed [--demo]` and `user add … --password-stdin`.

use std::io::BufRead;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::accounts::create::{AddUser, AddUserError, add_user};
use crate::accounts::models::Role;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::{self, DbConn};
use crate::i18n::Lang;
use crate::pii::PiiKeys;
use crate::startup::Application;
use crate::{keys, seed};

#[derive(Parser)]
#[command(
    name = "onestop",
    version,
    about = "One-stop government service hall (一号、一窗、一网)"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run migrations, seed an empty database and serve HTTP (the default).
    Serve,
    /// Run pending migrations and exit.
    Migrate,
    /// Seed the built-in catalogue into an empty database.
    Seed {
        /// Also add demo residents, clerks and administrators, and print their logins.
        #[arg(long)]
        demo: bool,
    },
    /// Fill the database with a realistic year of the city hall's history
    /// (for measuring statistics; not for a production database).
    GenerateHistory {
        /// How many days back from today.
        #[arg(long, default_value_t = 365)]
        days: i64,
        /// About how many visits a working day.
        #[arg(long, default_value_t = 1500)]
        per_day: usize,
    },
    /// Grow the database into a whole province's network of halls of all
    /// four levels, each a copy of the built-in hall of its level, with a
    /// year of history for every city hall (for measuring at scale).
    GenerateProvince {
        #[arg(long, default_value_t = 12)]
        cities: usize,
        #[arg(long, default_value_t = 103)]
        districts: usize,
        #[arg(long, default_value_t = 1000)]
        streets: usize,
        #[arg(long, default_value_t = 14_000)]
        communities: usize,
        /// Days of history for each city hall (0: none).
        #[arg(long, default_value_t = 365)]
        history_days: i64,
        /// About how many visits a working day in each city hall.
        #[arg(long, default_value_t = 300)]
        per_day: usize,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from standard input.
    Add(UserAdd),
}

#[derive(Args)]
struct UserAdd {
    /// resident, clerk, dept_admin or admin
    #[arg(long)]
    role: String,
    #[arg(long)]
    phone: String,
    #[arg(long)]
    name: String,
    /// Hall id (default: the city hall).
    #[arg(long)]
    hall: Option<i32>,
    /// Window number in the hall (clerks).
    #[arg(long)]
    window: Option<i32>,
    /// Department code in the hall (department admins, clerks).
    #[arg(long)]
    department: Option<String>,
    /// Resident ID number (required for residents).
    #[arg(long)]
    id_number: Option<String>,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    password_stdin: bool,
}

pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    use std::io::IsTerminal;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .try_init();
}

/// A panic reports where it happened, never its message: a message can
/// quote what someone typed (an ID number, a phone number).
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(%at, "internal error (panic); its message is not logged");
        eprintln!("internal error at {at}");
    }));
}

pub fn run() -> ExitCode {
    quiet_panics();
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    init_tracing();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(),
        Command::Migrate => migrate(),
        Command::Seed { demo } => seed_command(demo),
        Command::GenerateHistory { days, per_day } => generate_history(days, per_day),
        Command::GenerateProvince {
            cities,
            districts,
            streets,
            communities,
            history_days,
            per_day,
        } => generate_province(
            seed::province::Sizes {
                cities,
                districts,
                streets,
                communities,
            },
            history_days,
            per_day,
        ),
        Command::User {
            command: UserCommand::Add(args),
        } => user_add(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn settings() -> anyhow::Result<Settings> {
    Ok(Settings::from_env()?)
}

fn serve() -> anyhow::Result<()> {
    let settings = settings()?;
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings.clone()).await?;
        let host = settings
            .bind
            .rsplit_once(':')
            .map(|(h, _)| h)
            .unwrap_or("127.0.0.1");
        let shown_host = if host == "0.0.0.0" || host == "[::]" {
            "127.0.0.1"
        } else {
            host
        };
        tracing::info!(database = %db::redact_url(&settings.database_url), "database ready");
        println!(
            "onestop is serving the hall at http://{shown_host}:{}/",
            app.port()
        );
        app.run_until_stopped().await?;
        tracing::info!("stopped");
        Ok(())
    })
}

fn connect(settings: &Settings) -> anyhow::Result<db::PooledConn> {
    let pool = db::connect(&settings.database_url, 2)?;
    let conn = pool.get().map_err(|e| db::DbSetupError::Unreachable {
        url: db::redact_url(&settings.database_url),
        reason: e.to_string(),
    })?;
    Ok(conn)
}

fn migrate() -> anyhow::Result<()> {
    let settings = settings()?;
    let mut conn = connect(&settings)?;
    let applied = db::run_migrations(&mut conn)?;
    if applied.is_empty() {
        println!("the database is up to date");
    }
    for m in applied {
        println!("applied {m}");
    }
    Ok(())
}

fn clock(settings: &Settings) -> Clock {
    settings.now.map(Clock::starting_at).unwrap_or_default()
}

fn pii_keys(conn: &mut DbConn, settings: &Settings) -> anyhow::Result<PiiKeys> {
    let key = keys::load_or_create(conn, settings.secret_key.as_ref())?;
    Ok(PiiKeys::derive(key.expose()))
}

fn seed_command(demo: bool) -> anyhow::Result<()> {
    let settings = settings()?;
    let mut conn = connect(&settings)?;
    db::run_migrations(&mut conn)?;
    let now = clock(&settings).now_utc();
    let report = seed::seed_catalogue(&mut conn, now, &mut |line| println!("  {line}"))?;
    if report.already_seeded {
        println!("the catalogue is already in the database: nothing to seed");
    } else {
        println!("seeded the built-in catalogue");
    }
    if demo {
        let keys = pii_keys(&mut conn, &settings)?;
        let logins =
            seed::demo::seed_demo_accounts(&mut conn, &keys, now).map_err(add_user_error)?;
        println!("demo accounts (sign in at /login with phone and password):");
        for l in logins {
            let password = l
                .password
                .unwrap_or_else(|| "(exists, unchanged)".to_string());
            println!(
                "  {:<10} {:<6} {}  {}",
                l.role.as_str(),
                l.name,
                l.phone,
                password
            );
        }
        let bookings = seed::demo::seed_demo_bookings(&mut conn, now, settings.tz)
            .map_err(|e| anyhow::anyhow!(e))?;
        if !bookings.is_empty() {
            println!(
                "demo bookings (track them at /track with the code and the phone's last 4 digits):"
            );
            for (phone, code, what) in bookings {
                println!("  {code}  {}  {what}", crate::pii::mask_phone(&phone));
            }
        }
    }
    Ok(())
}

fn generate_history(days: i64, per_day: usize) -> anyhow::Result<()> {
    let settings = settings()?;
    let mut conn = connect(&settings)?;
    db::run_migrations(&mut conn)?;
    let clock = clock(&settings);
    seed::seed_catalogue(&mut conn, clock.now_utc(), &mut |_| {})?;
    let hall = crate::hall::repo::default_hall(&mut conn)?
        .ok_or_else(|| anyhow::anyhow!("no city hall"))?;
    let today = clock.today_in(settings.tz);
    if seed::history::has_past_tickets(&mut conn, hall.id, today)? {
        anyhow::bail!(
            "this database already has past tickets; generate history only into a fresh database"
        );
    }
    let started = std::time::Instant::now();
    let report = seed::history::generate(
        &mut conn,
        hall.id,
        days.clamp(1, 3660),
        per_day.clamp(1, 20_000),
        today,
        settings.tz,
        &mut |l| println!("  {l}"),
    )?;
    println!(
        "generated {} days: {} residents, {} bookings, {} tickets, {} cases, {} ratings, {} follow-ups in {:.1} s",
        report.days,
        report.residents,
        report.bookings,
        report.tickets,
        report.cases,
        report.ratings,
        report.follow_ups,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn generate_province(
    sizes: seed::province::Sizes,
    history_days: i64,
    per_day: usize,
) -> anyhow::Result<()> {
    let settings = settings()?;
    let mut conn = connect(&settings)?;
    db::run_migrations(&mut conn)?;
    let clock = clock(&settings);
    seed::seed_catalogue(&mut conn, clock.now_utc(), &mut |_| {})?;
    let started = std::time::Instant::now();
    let report = seed::province::generate(&mut conn, sizes, &mut |l| println!("  {l}"))?;
    println!(
        "halls: {} cities, {} districts, {} streets, {} communities new; {} departments, {} windows, {} items in all, in {:.1} s",
        report.halls[0],
        report.halls[1],
        report.halls[2],
        report.halls[3],
        report.departments,
        report.windows,
        report.items,
        started.elapsed().as_secs_f64()
    );
    if history_days > 0 {
        let today = clock.today_in(settings.tz);
        seed::province::city_histories(
            &mut conn,
            history_days.clamp(1, 3660),
            per_day.clamp(1, 20_000),
            today,
            settings.tz,
            &mut |l| println!("  {l}"),
        )?;
    }
    println!("done in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn add_user_error(e: AddUserError) -> anyhow::Error {
    match e {
        AddUserError::Internal(m) => anyhow::anyhow!(m),
        other => anyhow::anyhow!("{}", Lang::En.t(other.first_key())),
    }
}

fn user_add(args: UserAdd) -> anyhow::Result<()> {
    let role: Role = args
        .role
        .parse()
        .map_err(|_| anyhow::anyhow!("--role must be resident, clerk, dept_admin or admin"))?;
    if !args.password_stdin {
        anyhow::bail!("give the password on standard input with --password-stdin");
    }
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password)?;
    let password = password.trim_end_matches(['\r', '\n']).to_string();
    let settings = settings()?;
    let mut conn = connect(&settings)?;
    db::run_migrations(&mut conn)?;
    let now = clock(&settings).now_utc();
    seed::seed_catalogue(&mut conn, now, &mut |_| {})?;
    let keys = pii_keys(&mut conn, &settings)?;
    let input = AddUser {
        role,
        phone: args.phone,
        name: args.name,
        password,
        id_number: args.id_number,
        hall: args.hall.map(crate::db::ids::HallId),
        window: args.window,
        department: args.department,
        must_change_password: false,
    };
    let id = add_user(&mut conn, &input, &keys, now).map_err(add_user_error)?;
    println!(
        "created {} account {} ({})",
        role.as_str(),
        id,
        crate::pii::mask_phone(&input.phone)
    );
    Ok(())
}
