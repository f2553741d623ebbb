fn main() {
    println!("aryz");
}
