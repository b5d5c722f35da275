package dev.chainsync.chatpack.web;

import org.teavm.model.transformation.AssertionRemoval;
import org.teavm.vm.spi.TeaVMHost;
import org.teavm.vm.spi.TeaVMPlugin;

/**
 * Read by TeaVM while it compiles the page (never by the JVM, and left out of the jar): turns {@code assert}
 * statements off in the page, as they are off in the CLI's JVM. TeaVM otherwise runs them, and jtokkit asserts
 * every text is valid by encoding it again, through a TeaVM UTF-8 encoder that wrongly rejects an emoji whose
 * surrogate pair straddles its internal buffer.
 */
public final class PagePlugin implements TeaVMPlugin {

    @Override
    public void install(TeaVMHost host) {
        host.add(new AssertionRemoval());
    }
}
