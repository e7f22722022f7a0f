package org.libhotline;

/** A rule's title in Chinese and English. */
public record Title(String zh, String en) {
}
