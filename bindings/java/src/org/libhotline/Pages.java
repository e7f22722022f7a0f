package org.libhotline;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Items read from the library a page at a time, on demand: each
 * {@link #iterator} starts from the first and reads pages of 64 growing to
 * 1024 items, so memory stays at one page however many there are.
 * {@link #stream} and {@link #toList} are shorthands.
 */
public final class Pages<T> implements Iterable<T> {
	static final int FIRST_PAGE = 64, LAST_PAGE = 1024;

	/* fetch(after, n): at most n items after the key `after` (null: from the first) */
	private final BiFunction<Object, Integer, List<T>> fetch;
	private final Function<T, Object> key;
	private final long limit;

	Pages(BiFunction<Object, Integer, List<T>> fetch, Function<T, Object> key, long limit) {
		this.fetch = fetch;
		this.key = key;
		this.limit = limit;
	}

	@Override
	public Iterator<T> iterator() {
		return new Iterator<>() {
			private List<T> page = new ArrayList<>();
			private int i, size = FIRST_PAGE;
			private long left = limit;
			private Object after;
			private boolean last;

			@Override
			public boolean hasNext() {
				if (i < page.size())
					return true;
				if (last || left == 0)
					return false;
				int n = left < 0 ? size : (int) Math.min(size, left);
				page = fetch.apply(after, n);
				i = 0;
				size = Math.min(2 * size, LAST_PAGE);
				last = page.size() < n;
				if (page.isEmpty())
					return false;
				after = key.apply(page.get(page.size() - 1));
				return true;
			}

			@Override
			public T next() {
				if (!hasNext())
					throw new NoSuchElementException();
				if (left > 0)
					left--;
				return page.get(i++);
			}
		};
	}

	public Stream<T> stream() {
		return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED), false);
	}

	public List<T> toList() {
		List<T> out = new ArrayList<>();
		forEach(out::add);
		return out;
	}
}
