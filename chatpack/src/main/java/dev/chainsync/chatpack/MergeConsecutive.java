package dev.chainsync.chatpack;

import java.util.stream.Gatherer;

/** {@link Merger} as a stream gatherer, so library users can merge inside a {@code Stream} pipeline. */
final class MergeConsecutive implements Gatherer<Message, Merger, Message> {

    static final MergeConsecutive INSTANCE = new MergeConsecutive();

    private MergeConsecutive() {}

    @Override
    public java.util.function.Supplier<Merger> initializer() {
        return Merger::new;
    }

    @Override
    public Integrator<Merger, Message, Message> integrator() {
        return Integrator.ofGreedy((merger, message, downstream) -> {
            Message done = merger.offer(message);
            return done == null || downstream.push(done);
        });
    }

    @Override
    public java.util.function.BiConsumer<Merger, Downstream<? super Message>> finisher() {
        return (merger, downstream) -> {
            Message done = merger.flush();
            if (done != null) {
                downstream.push(done);
            }
        };
    }
}
