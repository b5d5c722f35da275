package org.teavm.classlib.java.io;

/** The browser's {@code CharConversionException}, which jackson-core throws on bad UTF-32; TeaVM lacks it. */
public class TCharConversionException extends TIOException {
    public TCharConversionException(String message) {
        super(message);
    }
}
