package dev.chainsync.chatpack.whatsapp;

/**
 * Recognises the line header that starts every WhatsApp message, without regular expressions (this runs once
 * per line of a possibly huge file). The shapes:
 * <pre>
 *   iOS       [15/01/2024, 10:30:45] Alice: text        [1/15/24, 10:30:45 AM] Alice: text
 *   Android   15/01/2024, 10:30 - Alice: text           1/15/24, 10:30 AM - Alice: text
 *   pre-2017  7/8/12, 3:20:08 PM: Alice: text           08/10/13 14:07:41: Alice: text
 * </pre>
 * Dates are {@code d/m/y}, {@code m/d/y}, {@code d.m.y}, {@code y-m-d} with one- or two-digit days and months
 * and two- or four-digit years; times are {@code H:mm}, {@code H:mm:ss} or {@code H.mm.ss}, optionally with
 * AM/PM (also {@code a.m.}) after any Unicode space, U+202F included, and a dot some locales write after the
 * time ({@code 13:34. - }). Lines may start with U+200E/U+200F.
 * The parsed fields are left in this mutable holder, reused for every line.
 */
final class Header {

    static final int NO_MERIDIEM = 0;
    static final int AM = 1;
    static final int PM = 2;

    /** Header layouts: {@code [date, time] }, {@code date, time - } and the pre-2017 {@code date, time: }. */
    static final int BRACKET = 0;

    static final int DASH = 1;
    static final int COLON = 2;

    /** The three date numbers as written, and how many digits the first and last had. */
    int first;

    int second;
    int third;
    int firstDigits;
    int thirdDigits;
    int hour;
    int minute;
    int secondOfMinute;
    int meridiem;
    boolean ios;
    /** {@link #BRACKET} (iOS), {@link #DASH} (Android) or {@link #COLON} (exports from before 2017). */
    int layout;
    /** Index in the line where the text after the header begins ({@code Name: text} or a system notice). */
    int rest;

    /** Year-first dates (2019-01-01) need no day/month inference. */
    boolean yearFirst() {
        return firstDigits == 4;
    }

    /** Parses the header at the start of {@code line}; returns false (fields undefined) when there is none. */
    boolean parse(String line) {
        int n = line.length();
        int i = skipMarks(line, 0);
        ios = i < n && line.charAt(i) == '[';
        if (ios) {
            i++;
        }
        i = date(line, i);
        if (i < 0) {
            return false;
        }
        // Between date and time: a comma and/or spaces.
        if (i < n && line.charAt(i) == ',') {
            i++;
        }
        int spaces = i;
        i = skipSpaces(line, i);
        if (i == spaces) {
            return false;
        }
        i = time(line, i);
        if (i < 0) {
            return false;
        }
        i = layout(line, i);
        if (i < 0) {
            return false;
        }
        rest = i;
        return true;
    }

    /** Reads the date, {@code N sep N sep N} with both separators the same; returns the index after it, or -1. */
    private int date(String line, int i) {
        int n = line.length();
        int start = i;
        i = number(line, i, 4);
        if (i < 0) {
            return -1;
        }
        firstDigits = i - start;
        first = value;
        if (i >= n) {
            return -1;
        }
        char sep = line.charAt(i);
        if (sep != '/' && sep != '.' && sep != '-') {
            return -1;
        }
        start = ++i;
        i = number(line, i, 2);
        if (i < 0) {
            return -1;
        }
        second = value;
        if (i >= n || line.charAt(i) != sep) {
            return -1;
        }
        start = ++i;
        i = number(line, i, 4);
        if (i < 0) {
            return -1;
        }
        thirdDigits = i - start;
        third = value;
        if (firstDigits == 4 ? thirdDigits > 2 : (firstDigits > 2 || (thirdDigits != 2 && thirdDigits != 4))) {
            return -1;
        }
        return i;
    }

    /** Reads the time and an optional AM/PM, checking their ranges; returns the index after them, or -1. */
    private int time(String line, int i) {
        int n = line.length();
        // H:mm, H:mm:ss, H.mm.ss
        i = number(line, i, 2);
        if (i < 0) {
            return -1;
        }
        hour = value;
        if (i >= n || (line.charAt(i) != ':' && line.charAt(i) != '.')) {
            return -1;
        }
        char timeSep = line.charAt(i);
        int start = ++i;
        i = number(line, i, 2);
        if (i < 0 || i - start != 2) {
            return -1;
        }
        minute = value;
        secondOfMinute = 0;
        if (i + 2 < n && line.charAt(i) == timeSep && isDigit(line.charAt(i + 1))) {
            start = ++i;
            i = number(line, i, 2);
            if (i < 0 || i - start != 2) {
                return -1;
            }
            secondOfMinute = value;
        }
        i = meridiem(line, i);
        if (minute > 59 || secondOfMinute > 59) {
            return -1;
        }
        if (meridiem == NO_MERIDIEM ? hour > 23 : hour < 1 || hour > 12) {
            return -1;
        }
        return i;
    }

    /** Reads what closes the header and sets {@link #layout}; returns the index of the text after it, or -1. */
    private int layout(String line, int i) {
        int n = line.length();
        if (ios) {
            if (i >= n || line.charAt(i) != ']') {
                return -1;
            }
            i++;
            if (i < n && isSpace(line.charAt(i))) {
                i++;
            }
            layout = BRACKET;
        } else if (i + 1 < n && line.charAt(i) == ':' && isSpace(line.charAt(i + 1))) {
            i += 2;
            layout = COLON;
        } else {
            if (i < n && line.charAt(i) == '.') {
                i++;
            }
            int before = i;
            i = skipSpaces(line, i);
            if (i == before || i >= n || (line.charAt(i) != '-' && line.charAt(i) != '\u2013')) {
                return -1;
            }
            i++;
            if (i < n && isSpace(line.charAt(i))) {
                i++;
            }
            layout = DASH;
        }
        return i;
    }

    /** 24-hour clock hour. */
    int hour24() {
        if (meridiem == NO_MERIDIEM) {
            return hour;
        }
        int h = hour % 12;
        return meridiem == PM ? h + 12 : h;
    }

    private int value;

    /** Reads 1..max digits into {@link #value}; returns the index after them, or -1 if there are none. */
    private int number(String s, int i, int max) {
        int v = 0;
        int start = i;
        while (i < s.length() && i - start < max && isDigit(s.charAt(i))) {
            v = v * 10 + (s.charAt(i) - '0');
            i++;
        }
        if (i == start || (i < s.length() && isDigit(s.charAt(i)))) {
            return -1;
        }
        value = v;
        return i;
    }

    /** Reads an optional AM/PM marker (after optional spaces); on none, returns {@code i} unchanged. */
    private int meridiem(String s, int i) {
        meridiem = NO_MERIDIEM;
        int j = skipSpaces(s, i);
        int n = s.length();
        if (j >= n) {
            return i;
        }
        char c = Character.toLowerCase(s.charAt(j));
        if (c != 'a' && c != 'p') {
            return i;
        }
        int k = j + 1;
        if (k < n && s.charAt(k) == '.') {
            k++;
        }
        k = skipSpaces(s, k);
        if (k >= n || Character.toLowerCase(s.charAt(k)) != 'm') {
            return i;
        }
        k++;
        if (k < n && s.charAt(k) == '.') {
            k++;
        }
        // The marker must end here, not be the start of a word such as "Amy".
        if (k < n && Character.isLetter(s.charAt(k))) {
            return i;
        }
        meridiem = c == 'a' ? AM : PM;
        return k;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Any Unicode space: exports put U+202F (narrow no-break space) or U+00A0 before AM/PM. */
    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || Character.isSpaceChar(c);
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Skips the byte-order mark and the bidirectional marks WhatsApp puts at line starts and around names. */
    static int skipMarks(String s, int i) {
        while (i < s.length() && isMark(s.charAt(i))) {
            i++;
        }
        return i;
    }

    static boolean isMark(char c) {
        return c == '\u200E'
                || c == '\u200F'
                || c == '\uFEFF'
                || (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069');
    }
}
