package dev.lumen.core.onnx;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A graph input or output as the model declares it.
 *
 * @param name tensor name
 * @param elementType ONNX element type name, for example {@code FLOAT}
 * @param dims one entry per axis: a size, or {@code -1} where the axis is dynamic
 * @param dimNames one entry per axis: the symbolic name of a dynamic axis, or empty
 */
public record ValueInfo(String name, String elementType, List<Long> dims, List<String> dimNames) {
  public ValueInfo {
    dims = List.copyOf(dims);
    dimNames = List.copyOf(dimNames);
  }

  /** The number of axes. */
  public int rank() {
    return dims.size();
  }

  /** Whether axis {@code axis} has no fixed size. */
  public boolean isDynamic(int axis) {
    return dims.get(axis) < 0;
  }

  /** {@code [n, 3, 224, 224]}, with symbolic names for dynamic axes. */
  public String shapeText() {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < dims.size(); i++) {
      out.append(i == 0 ? "" : ", ");
      out.append(dims.get(i) >= 0 ? dims.get(i).toString()
          : dimNames.get(i).isEmpty() ? "?" : dimNames.get(i));
    }
    return out.append(']').toString();
  }

  @Override
  public String toString() {
    return name + " " + elementType.toLowerCase() + dims.stream().map(String::valueOf)
        .collect(Collectors.joining(",", "[", "]"));
  }
}
