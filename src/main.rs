fn main() -> std::process::ExitCode {
    onestop::cli::run()
}
