use std::cell::RefCell;

static SCHOOL: RefCell<Option<String>> = RefCell::new(None);

fn main() {
    *SCHOOL.borrow_mut() = Some("Alice".to_string());
}
