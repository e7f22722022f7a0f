package org.libhotline;

import com.google.gson.JsonObject;
import com.google.gson.annotations.SerializedName;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * The directory as of {@code asOf} (null: every definition so far): the
 * people, properties and bonuses in force then, each with every definition
 * of it ({@code history}, oldest first). {@code since} is the instant a
 * definition holds from (null: from the beginning). {@code json} is the
 * library's document.
 */
public record Directory(OffsetDateTime asOf, List<Person> persons, List<Property> properties, List<Bonus> bonuses,
	String json) {

	/** A person as one definition gives it; no roles: retired. */
	public record Person(String id, String name, List<String> roles, @SerializedName("from") OffsetDateTime since,
		List<Person> history) {
		public Person {
			roles = roles == null ? List.of() : List.copyOf(roles);
			history = history == null ? List.of() : List.copyOf(history);
		}

		/** True when the definition holds no role. */
		public boolean retired() {
			return roles.isEmpty();
		}
	}

	/** A property with its manager, department heads and quality supervisor (null: none). */
	public record Property(String id, String name, String manager, List<String> departmentHeads,
		String qualitySupervisor, @SerializedName("from") OffsetDateTime since, List<Property> history) {
		public Property {
			departmentHeads = departmentHeads == null ? List.of() : List.copyOf(departmentHeads);
			history = history == null ? List.of() : List.copyOf(history);
		}
	}

	/** A person's bonus for a month ("2026-11"), which caps their penalties (Art. 22). */
	public record Bonus(String person, String month, long amountFen, @SerializedName("from") OffsetDateTime since,
		List<Bonus> history) {
		public Bonus {
			history = history == null ? List.of() : List.copyOf(history);
		}
	}

	static Directory parse(String text) {
		JsonObject raw = Docs.object(text);
		return new Directory(Docs.time(raw, "as_of"), Docs.list(raw, "persons", Person.class),
			Docs.list(raw, "properties", Property.class), Docs.list(raw, "bonuses", Bonus.class), text);
	}

	public Optional<Person> person(String id) {
		return persons.stream().filter(p -> p.id().equals(id)).findFirst();
	}

	public Optional<Property> property(String id) {
		return properties.stream().filter(p -> p.id().equals(id)).findFirst();
	}

	public Optional<Bonus> bonus(String person, String month) {
		return bonuses.stream().filter(b -> b.person().equals(person) && b.month().equals(month)).findFirst();
	}
}
