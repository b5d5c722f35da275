package dev.chainsync.chatpack.web;

import java.util.Collection;
import org.teavm.extension.spi.resources.ResourcesPolicy;

/**
 * Read by TeaVM while it compiles the page (never by the JVM, and left out of the jar): embeds jtokkit's
 * {@code cl100k_base} vocabulary in the compiled script, where jtokkit's own loader finds it as a class-path
 * resource. The page then counts exact tokens with no request for the vocabulary.
 */
public final class TokenizerResources implements ResourcesPolicy {

    /** The only vocabulary chatpack uses. */
    static final String CL100K = "com/knuddels/jtokkit/cl100k_base.tiktoken";

    @Override
    public String[] supplyResources(Collection<? extends String> classNames) {
        return new String[] {CL100K};
    }
}
