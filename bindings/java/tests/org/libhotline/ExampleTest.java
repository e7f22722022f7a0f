package org.libhotline;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ExampleTest {
	@Test
	void opens() {
		try (Database db = Hotline.open("memory:")) {
			assertFalse(db.isClosed());
		}
	}
}
