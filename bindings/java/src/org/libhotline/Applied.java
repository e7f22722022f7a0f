package org.libhotline;

/**
 * What {@link Database#exec} did: the command's position in the log, and
 * whether it repeated a command already accepted with the same command_id
 * and content (then nothing was appended and {@code seq} is the first one's).
 */
public record Applied(long seq, boolean repeated) {
}
