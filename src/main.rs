fn main() {
    std::process::exit(carescreen::run(std::env::args_os()));
}
