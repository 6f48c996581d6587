static mut BALANCE: i64 = 0;

fn change_it(n: i64) {
    BALANCE = BALANCE + n;
    BALANCE = BALANCE - n;
}

fn main() {
    change_it(5);
}
