package dev.cacheflush.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;

/**
 * How two layers of settings merge, for every layer record alike: each value the higher layer
 * gives (non-null) replaces the lower one's, a nested layer merges the same way. One rule, so a
 * setting added to a layer needs no merge code of its own.
 */
final class Layers {
  private Layers() {}

  static <T extends Record> T merge(T lower, T higher) {
    RecordComponent[] components = lower.getClass().getRecordComponents();
    Object[] values = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    try {
      for (int i = 0; i < components.length; i++) {
        Object low = components[i].getAccessor().invoke(lower);
        Object high = components[i].getAccessor().invoke(higher);
        values[i] =
            low instanceof Record l && high instanceof Record h
                ? merge(l, h)
                : high != null ? high : low;
        types[i] = components[i].getType();
      }
      @SuppressWarnings("unchecked")
      Constructor<T> canonical = (Constructor<T>) lower.getClass().getDeclaredConstructor(types);
      return canonical.newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "cannot merge " + lower.getClass().getSimpleName(),
          e instanceof InvocationTargetException t ? t.getCause() : e);
    }
  }
}
