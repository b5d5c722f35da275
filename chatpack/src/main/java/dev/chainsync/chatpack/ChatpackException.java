package dev.chainsync.chatpack;

/**
 * An input chatpack cannot convert: wrong platform, malformed or truncated data, an unknown date format.
 * The message is one line naming the input and, when known, the position, e.g.
 * {@code chat.json: line 12, column 4: truncated JSON}.
 */
public final class ChatpackException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String input;
    private final String position;
    private final String problem;

    /**
     * @param input    the input's name as the user gave it
     * @param position where the problem is, e.g. {@code line 3, column 17}, or null when it concerns the whole input
     * @param problem  what is wrong, lower case, no trailing period
     */
    public ChatpackException(String input, String position, String problem) {
        this(input, position, problem, null);
    }

    public ChatpackException(String input, String position, String problem, Throwable cause) {
        super(format(input, position, problem), cause);
        this.input = input;
        this.position = position;
        this.problem = problem;
    }

    /** The input's name. */
    public String input() {
        return input;
    }

    /** Where in the input, or null. */
    public String position() {
        return position;
    }

    /** What is wrong, without input name and position. */
    public String problem() {
        return problem;
    }

    private static String format(String input, String position, String problem) {
        String oneLine = problem.replace('\n', ' ').replace('\r', ' ');
        return position == null ? input + ": " + oneLine : input + ": " + position + ": " + oneLine;
    }
}
