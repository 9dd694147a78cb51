//! The `lastmile` binary: a thin shell over the library.

fn main() -> std::process::ExitCode {
    lastmile::cli::main()
}
