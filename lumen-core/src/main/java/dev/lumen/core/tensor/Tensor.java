package dev.lumen.core.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major (C) order: the one array type Lumen's images,
 * activations and maps travel in.
 *
 * <p>Tensors are values: the constructor copies neither array but every accessor that hands
 * data out copies it, and no method changes a tensor after construction. Callers that pass an
 * array in must not change it afterwards.
 */
public final class Tensor {
  private final float[] data;
  private final long[] shape;

  private Tensor(float[] data, long[] shape) {
    this.data = data;
    this.shape = shape;
  }

  /**
   * A tensor over {@code data} with {@code shape}; the array is taken, not copied.
   *
   * @throws IllegalArgumentException if the shape has a negative dimension or does not match the
   *     data's length
   */
  public static Tensor of(float[] data, long... shape) {
    long size = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      size *= d;
    }
    if (size != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " holds " + size + " values, data has " + data.length);
    }
    return new Tensor(data, shape.clone());
  }

  /** A tensor of zeros. */
  public static Tensor zeros(long... shape) {
    return of(new float[Math.toIntExact(Tensor.sizeOf(shape))], shape);
  }

  /** The number of values a tensor of {@code shape} holds. */
  public static long sizeOf(long... shape) {
    long size = 1;
    for (long d : shape) {
      size *= d;
    }
    return size;
  }

  /** The dimensions. */
  public long[] shape() {
    return shape.clone();
  }

  /** Dimension {@code axis}; negative axes count from the end. */
  public int dim(int axis) {
    return Math.toIntExact(shape[axis < 0 ? shape.length + axis : axis]);
  }

  /** The number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** The number of values. */
  public int size() {
    return data.length;
  }

  /** A copy of the values. */
  public float[] toArray() {
    return data.clone();
  }

  /** The value at flat (row-major) index {@code i}. */
  public float get(int i) {
    return data[i];
  }

  /** The same values under another shape of equal size. */
  public Tensor reshape(long... newShape) {
    return of(data, newShape);
  }

  /**
   * Element {@code index} along axis 0, as a tensor of rank one less: one image of a batch, one
   * slice of a volume.
   */
  public Tensor slice(int index) {
    if (shape.length == 0 || index < 0 || index >= shape[0]) {
      throw new IndexOutOfBoundsException(
          "index " + index + " out of range for shape " + Arrays.toString(shape));
    }
    int stride = data.length / (int) shape[0];
    float[] part = Arrays.copyOfRange(data, index * stride, (index + 1) * stride);
    return new Tensor(part, Arrays.copyOfRange(shape, 1, shape.length));
  }

  /** Tensors of equal shape stacked along a new axis 0. */
  public static Tensor stack(java.util.List<Tensor> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("nothing to stack");
    }
    long[] inner = parts.get(0).shape;
    int stride = parts.get(0).data.length;
    float[] all = new float[stride * parts.size()];
    for (int i = 0; i < parts.size(); i++) {
      Tensor part = parts.get(i);
      if (!Arrays.equals(part.shape, inner)) {
        throw new IllegalArgumentException(
            "cannot stack shapes " + Arrays.toString(inner) + " and " + Arrays.toString(part.shape));
      }
      System.arraycopy(part.data, 0, all, i * stride, stride);
    }
    long[] shape = new long[inner.length + 1];
    shape[0] = parts.size();
    System.arraycopy(inner, 0, shape, 1, inner.length);
    return new Tensor(all, shape);
  }

  /** The backing array, for code in Lumen that reads it without copying. Never write to it. */
  public float[] unsafeData() {
    return data;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Tensor" + Arrays.toString(shape);
  }
}
