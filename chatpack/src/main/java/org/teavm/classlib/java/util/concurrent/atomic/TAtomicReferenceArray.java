package org.teavm.classlib.java.util.concurrent.atomic;

/**
 * The browser's {@code AtomicReferenceArray}, which TeaVM's class library lacks and jackson-core's buffer recycler
 * uses. JavaScript runs one thread, so a plain array is atomic. Compiled by TeaVM only; left out of the jar.
 */
public class TAtomicReferenceArray<E> {
    private final Object[] array;

    public TAtomicReferenceArray(int length) {
        array = new Object[length];
    }

    @SuppressWarnings("unchecked")
    public final E get(int i) {
        return (E) array[i];
    }

    public final void set(int i, E value) {
        array[i] = value;
    }

    @SuppressWarnings("unchecked")
    public final E getAndSet(int i, E value) {
        E old = (E) array[i];
        array[i] = value;
        return old;
    }
}
