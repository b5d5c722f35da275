package dev.chainsync.chatpack;

import java.time.LocalDate;
import java.util.Objects;

/**
 * Everything one conversion needs besides its inputs and output; built once, validated on construction.
 *
 * @param read   what the readers keep
 * @param filter which messages survive
 * @param merge  join consecutive messages of the same sender (after filtering), as the original does by default
 * @param output how the result is written
 */
public record ConvertOptions(ReadOptions read, FilterOptions filter, boolean merge, OutputOptions output) {

    /** The original's defaults: CSV, Sender and Content only, merge on, no filters, media placeholders on. */
    public static final ConvertOptions DEFAULTS =
            new ConvertOptions(ReadOptions.DEFAULTS, FilterOptions.NONE, true, OutputOptions.DEFAULTS);

    public ConvertOptions {
        Objects.requireNonNull(read, "read");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(output, "output");
    }

    /** A builder starting from {@link #DEFAULTS}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects settings; {@link #build()} validates them all at once. */
    public static final class Builder {
        private OutputFormat format = OutputOptions.DEFAULTS.format();
        private char delimiter = OutputOptions.DEFAULT_DELIMITER;
        private boolean ids;
        private boolean timestamps;
        private boolean replies;
        private boolean edited;
        private boolean merge = true;
        private LocalDate after;
        private LocalDate before;
        private String from;
        private boolean media = true;
        private boolean serviceMessages;
        private String chat;

        private Builder() {}

        public Builder format(OutputFormat value) {
            this.format = value;
            return this;
        }

        public Builder delimiter(char value) {
            this.delimiter = value;
            return this;
        }

        public Builder ids(boolean value) {
            this.ids = value;
            return this;
        }

        public Builder timestamps(boolean value) {
            this.timestamps = value;
            return this;
        }

        public Builder replies(boolean value) {
            this.replies = value;
            return this;
        }

        public Builder edited(boolean value) {
            this.edited = value;
            return this;
        }

        public Builder merge(boolean value) {
            this.merge = value;
            return this;
        }

        public Builder after(LocalDate value) {
            this.after = value;
            return this;
        }

        public Builder before(LocalDate value) {
            this.before = value;
            return this;
        }

        public Builder from(String value) {
            this.from = value;
            return this;
        }

        public Builder media(boolean value) {
            this.media = value;
            return this;
        }

        public Builder serviceMessages(boolean value) {
            this.serviceMessages = value;
            return this;
        }

        public Builder chat(String value) {
            this.chat = value;
            return this;
        }

        /**
         * @throws IllegalArgumentException when settings contradict each other (e.g. --after later than --before)
         */
        public ConvertOptions build() {
            return new ConvertOptions(
                    new ReadOptions(media, serviceMessages, chat),
                    new FilterOptions(after, before, from),
                    merge,
                    new OutputOptions(format, delimiter, ids, timestamps, replies, edited));
        }
    }
}
