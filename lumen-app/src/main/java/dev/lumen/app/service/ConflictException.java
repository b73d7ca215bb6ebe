package dev.lumen.app.service;

/** A change made against a version that is no longer the latest: the client must reload and redo it (409). */
public final class ConflictException extends RuntimeException {
  public ConflictException(String message) {
    super(message);
  }
}
