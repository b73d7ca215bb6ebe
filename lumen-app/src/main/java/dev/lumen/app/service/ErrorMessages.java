package dev.lumen.app.service;

import dev.lumen.core.LumenException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** The one line a user reads for an exception: Lumen's own messages as they are, file errors in words. */
public final class ErrorMessages {
  private ErrorMessages() {}

  /** The message for {@code ex}. */
  public static String of(Throwable ex) {
    if (ex instanceof LumenException || ex instanceof IllegalArgumentException) {
      return ex.getMessage();
    }
    if (ex instanceof FileSystemException fs) {
      return fs.getFile() + ": " + reason(fs);
    }
    if (ex instanceof java.io.IOException) {
      return "cannot read or write a file: " + ex.getMessage();
    }
    if (ex instanceof OutOfMemoryError) {
      return "out of memory (the heap is " + (Runtime.getRuntime().maxMemory() >> 20)
          + " MiB); give Java more (JAVA_OPTS=-Xmx...) or use smaller studies or --batch";
    }
    return "internal error (" + ex + "); rerun with --verbose and report it";
  }

  private static String reason(FileSystemException fs) {
    if (fs instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (fs instanceof NoSuchFileException) {
      return "no such file or folder" + (fs.getOtherFile() != null ? " (" + fs.getOtherFile() + ")" : "");
    }
    if (fs instanceof FileAlreadyExistsException) {
      return "exists and is not a folder, so nothing can be written inside it";
    }
    if (fs instanceof NotDirectoryException) {
      return "is not a folder";
    }
    if (fs instanceof DirectoryNotEmptyException) {
      return "is a folder that is not empty";
    }
    return fs.getReason() != null ? fs.getReason() : "cannot be read or written";
  }
}
