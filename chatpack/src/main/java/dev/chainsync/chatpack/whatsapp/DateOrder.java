package dev.chainsync.chatpack.whatsapp;

import dev.chainsync.chatpack.io.Times;

/**
 * Whether a file's {@code a/b/y} dates are day-first or month-first, decided from the whole file: the phone's
 * locale picks one order for every line, so one field above 12 anywhere settles it. When no field exceeds 12,
 * the order under which the dates never go back in time wins; when both do, the clock decides (12-hour
 * clocks are a US habit, so month-first; otherwise day-first). Never a majority vote: a tie-break by counting
 * is how the original misread {@code [15/01/2024, ...]}.
 */
enum DateOrder {
    DAY_FIRST,
    MONTH_FIRST;

    /** Collects evidence line by line; {@link #decide()} gives the verdict. */
    static final class Evidence {
        private long dayFirstLine = -1;
        private long monthFirstLine = -1;
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
            if (h.first > 12 && dayFirstLine < 0) {
                dayFirstLine = lineNumber;
            }
            if (h.second > 12 && monthFirstLine < 0) {
                monthFirstLine = lineNumber;
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

        /** Whether a field above 12 has been seen, so the rest of the file cannot change the verdict. */
        boolean settled() {
            return dayFirstLine >= 0 || monthFirstLine >= 0;
        }

        /** The line whose field above 12 settled the order, or -1 when none did. */
        long decidingLine() {
            return dayFirstLine >= 0 ? dayFirstLine : monthFirstLine;
        }

        DateOrder decide() {
            if (dayFirstLine >= 0) {
                return DAY_FIRST;
            }
            if (monthFirstLine >= 0) {
                return MONTH_FIRST;
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
