package dev.chainsync.chatpack.whatsapp;

import dev.chainsync.chatpack.io.Times;

/**
 * Whether a file's {@code a/b/y} dates are day-first or month-first, decided from the whole file: the phone's
 * locale picks one order for every line, so a field above 12 settles it. A line in the other order is a
 * header-like line pasted into a message's text; when both orders have such lines, the one with more wins
 * (the pasted ones are the few). When no field exceeds 12, the order under which the dates never go back in
 * time wins; when both do, the clock decides (12-hour clocks are a US habit, so month-first; otherwise
 * day-first). Never a vote among ambiguous lines: a tie-break by counting them is how the original misread
 * {@code [15/01/2024, ...]}.
 */
enum DateOrder {
    DAY_FIRST,
    MONTH_FIRST;

    /** Collects evidence line by line; {@link #decide()} gives the verdict. */
    static final class Evidence {
        /** Deciding lines read before the verdict is final, when none contradicts it. */
        private static final int SETTLED_AFTER = 256;

        private long dayFirstLine = -1;
        private long monthFirstLine = -1;
        private long dayFirstLines;
        private long monthFirstLines;
        private boolean dayFirstPossible = true;
        private boolean monthFirstPossible = true;
        private boolean dayFirstMonotone = true;
        private boolean monthFirstMonotone = true;
        private long lastDayFirst = Long.MIN_VALUE;
        private long lastMonthFirst = Long.MIN_VALUE;
        private boolean twelveHourClock;

        void add(Header h, long lineNumber) {
            if (h.meridiem != Header.NO_MERIDIEM) {
                twelveHourClock = true;
            }
            if (h.yearFirst()) {
                return;
            }
            if (h.first > 12 && h.second <= 12) {
                dayFirstLines++;
                if (dayFirstLine < 0) {
                    dayFirstLine = lineNumber;
                }
            }
            if (h.second > 12 && h.first <= 12) {
                monthFirstLines++;
                if (monthFirstLine < 0) {
                    monthFirstLine = lineNumber;
                }
            }
            int year = year(h.third);
            // Compare days, not times: a daylight-saving step can move the clock back an hour.
            if (Times.isValidDate(year, h.second, h.first)) {
                long day = Times.daysFromCivil(year, h.second, h.first);
                dayFirstMonotone &= day >= lastDayFirst;
                lastDayFirst = day;
            } else {
                dayFirstPossible = false;
            }
            if (Times.isValidDate(year, h.first, h.second)) {
                long day = Times.daysFromCivil(year, h.first, h.second);
                monthFirstMonotone &= day >= lastMonthFirst;
                lastMonthFirst = day;
            } else {
                monthFirstPossible = false;
            }
        }

        /**
         * Whether enough lines agree, none against, that the rest of the file cannot change the verdict (a
         * contradicting line further on is then pasted text).
         */
        boolean settled() {
            return Math.max(dayFirstLines, monthFirstLines) >= SETTLED_AFTER
                    && Math.min(dayFirstLines, monthFirstLines) == 0;
        }

        /** The first line with a field above 12 in the order chosen, or -1 when none settled it. */
        long decidingLine() {
            if (dayFirstLines == 0 && monthFirstLines == 0) {
                return -1;
            }
            return decide() == DAY_FIRST ? dayFirstLine : monthFirstLine;
        }

        DateOrder decide() {
            if (dayFirstLines != monthFirstLines) {
                return dayFirstLines > monthFirstLines ? DAY_FIRST : MONTH_FIRST;
            }
            if (dayFirstLines > 0) {
                // As many each way: the first one read is taken for the chat's own.
                return dayFirstLine < monthFirstLine ? DAY_FIRST : MONTH_FIRST;
            }
            boolean dayFirst = dayFirstPossible && dayFirstMonotone;
            boolean monthFirst = monthFirstPossible && monthFirstMonotone;
            if (dayFirst != monthFirst) {
                return dayFirst ? DAY_FIRST : MONTH_FIRST;
            }
            return twelveHourClock ? MONTH_FIRST : DAY_FIRST;
        }
    }

    /** Two-digit years are this century; WhatsApp did not exist before 2009. */
    static int year(int written) {
        return written < 100 ? 2000 + written : written;
    }
}
