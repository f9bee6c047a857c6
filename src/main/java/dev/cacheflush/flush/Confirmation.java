package dev.cacheflush.flush;

/** Asks the person running a real flush whether to go ahead, once the target is known. */
@FunctionalInterface
public interface Confirmation {
  Confirmation ALREADY_GIVEN = (target, mode, keys) -> true;

  boolean confirm(String maskedTarget, String mode, long keys);
}
