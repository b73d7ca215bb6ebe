package dev.lumen.core.quality;

import java.util.Arrays;

/**
 * A symmetric positive definite system over some cells of a grid in which each unknown is coupled
 * only to unknowns in its neighbouring cells — the eight around it in a plane, the 26 in a grid
 * more than one slice deep: row {@code u} reads {@code diagonal[u] x_u - sum over directions k of
 * weight[K u + k] x_(neighbour[K u + k])}, K the grid's {@link #directions}. ROAD's imputation is
 * one on the pixel (voxel) grid; {@link #coarsened()} gives another of the same form on a grid of
 * half the side, so {@link AggregationMultigrid} can use one class at every level.
 */
final class StencilSystem {
  /** The directions as steps along x, y and z: the eight in a plane first, then the 18 into the slices either side. */
  static final int[] DX = {1, 0, -1, 1, 0, -1, 1, -1, 1, 0, -1, 1, 0, -1, 1, 0, -1, 1, 0, -1, 1, 0, -1, 1, 0, -1};
  static final int[] DY = {1, 1, 1, -1, -1, -1, 0, 0, 1, 1, 1, 0, 0, 0, -1, -1, -1, 1, 1, 1, 0, 0, 0, -1, -1, -1};
  static final int[] DZ = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1, -1, -1};

  private final int width;
  private final int height;
  private final int depth;
  private final int k;
  private final int[] cellOf;
  private final int[] neighbour;
  private final double[] weight;
  private final double[] diagonal;
  // the couplings row by row (compressed rows), for the loops that run every iteration
  private final int[] rowStart;
  private final int[] column;
  private final double[] value;

  /**
   * @param cellOf each unknown's cell, {@code (z * height + y) * width + x}, in increasing order
   * @param neighbour for each unknown and direction the unknown there, or -1 for none
   * @param weight the coupling's magnitude, where {@code neighbour} names one
   */
  StencilSystem(int width, int height, int depth, int[] cellOf, int[] neighbour, double[] weight,
      double[] diagonal) {
    this.width = width;
    this.height = height;
    this.depth = depth;
    this.k = directions(depth);
    this.cellOf = cellOf;
    this.neighbour = neighbour;
    this.weight = weight;
    this.diagonal = diagonal;
    int n = diagonal.length;
    rowStart = new int[n + 1];
    int count = 0;
    for (int k = 0; k < neighbour.length; k++) {
      count += neighbour[k] >= 0 ? 1 : 0;
    }
    column = new int[count];
    value = new double[count];
    int e = 0;
    for (int u = 0; u < n; u++) {
      rowStart[u] = e;
      for (int d = k * u; d < k * u + k; d++) {
        if (neighbour[d] >= 0) {
          column[e] = neighbour[d];
          value[e++] = weight[d];
        }
      }
    }
    rowStart[n] = e;
  }

  /** How many neighbours a cell has in a grid {@code depth} slices deep: 8 in a plane, 26 in a volume. */
  static int directions(int depth) {
    return depth > 1 ? 26 : 8;
  }

  int size() {
    return diagonal.length;
  }

  /** {@code q = A d}. */
  void apply(double[] d, double[] q) {
    for (int u = 0; u < diagonal.length; u++) {
      double v = diagonal[u] * d[u];
      for (int e = rowStart[u]; e < rowStart[u + 1]; e++) {
        v -= value[e] * d[column[e]];
      }
      q[u] = v;
    }
  }

  /** One Gauss-Seidel sweep towards {@code A x = b}, in increasing order of the unknowns or in decreasing. */
  void sweep(double[] x, double[] b, boolean forward) {
    int n = diagonal.length;
    for (int i = 0; i < n; i++) {
      int u = forward ? i : n - 1 - i;
      double s = b[u];
      for (int e = rowStart[u]; e < rowStart[u + 1]; e++) {
        s += value[e] * x[column[e]];
      }
      x[u] = s / diagonal[u];
    }
  }

  /** The dense matrix, row by row, for the coarsest level's direct solve. */
  double[][] dense() {
    int n = diagonal.length;
    double[][] a = new double[n][n];
    for (int u = 0; u < n; u++) {
      a[u][u] = diagonal[u];
      for (int d = k * u; d < k * u + k; d++) {
        if (neighbour[d] >= 0) {
          a[u][neighbour[d]] -= weight[d];
        }
      }
    }
    return a;
  }

  /**
   * The unknowns gathered into the 2 × 2 blocks of cells that hold them (2 × 2 × 2 in a volume;
   * aggregation), with the Galerkin product {@code Pᵀ A P} of this system for P the
   * piecewise-constant prolongation: again symmetric positive definite, and again coupled only to
   * the neighbouring blocks, since a fine coupling spans one cell. {@link #aggregateOf()} gives P.
   */
  StencilSystem coarsened() {
    int[] aggregate = aggregateOf();
    int coarseWidth = (width + 1) / 2;
    int coarseHeight = (height + 1) / 2;
    int coarseDepth = (depth + 1) / 2;
    int coarseK = directions(coarseDepth);
    int m = Arrays.stream(aggregate).max().orElse(-1) + 1;
    int[] coarseCell = new int[m];
    for (int u = 0; u < cellOf.length; u++) {
      coarseCell[aggregate[u]] = blockOf(cellOf[u]);
    }
    int[] coarseNeighbour = new int[coarseK * m];
    Arrays.fill(coarseNeighbour, -1);
    double[] coarseWeight = new double[coarseK * m];
    double[] coarseDiagonal = new double[m];
    for (int u = 0; u < cellOf.length; u++) {
      int i = aggregate[u];
      coarseDiagonal[i] += diagonal[u];
      for (int d = k * u; d < k * u + k; d++) {
        if (neighbour[d] < 0) {
          continue;
        }
        int j = aggregate[neighbour[d]];
        if (j == i) {
          coarseDiagonal[i] -= weight[d];
        } else {
          int a = coarseCell[i];
          int b = coarseCell[j];
          int plane = coarseWidth * coarseHeight;
          int direction = direction(b % coarseWidth - a % coarseWidth,
              b / coarseWidth % coarseHeight - a / coarseWidth % coarseHeight, b / plane - a / plane, coarseK);
          coarseNeighbour[coarseK * i + direction] = j;
          coarseWeight[coarseK * i + direction] += weight[d];
        }
      }
    }
    return new StencilSystem(coarseWidth, coarseHeight, coarseDepth, coarseCell, coarseNeighbour, coarseWeight,
        coarseDiagonal);
  }

  /** Each unknown's coarse unknown: its block, the blocks that hold unknowns numbered in raster order. */
  int[] aggregateOf() {
    boolean[] used = new boolean[((width + 1) / 2) * ((height + 1) / 2) * ((depth + 1) / 2)];
    for (int cell : cellOf) {
      used[blockOf(cell)] = true;
    }
    int[] numbered = new int[used.length];
    int m = 0;
    for (int block = 0; block < used.length; block++) {
      numbered[block] = used[block] ? m++ : -1;
    }
    int[] aggregate = new int[cellOf.length];
    for (int u = 0; u < cellOf.length; u++) {
      aggregate[u] = numbered[blockOf(cellOf[u])];
    }
    return aggregate;
  }

  /** The block of the coarse grid that holds {@code cell}. */
  private int blockOf(int cell) {
    int x = cell % width;
    int y = cell / width % height;
    int z = cell / width / height;
    return ((z / 2) * ((height + 1) / 2) + y / 2) * ((width + 1) / 2) + x / 2;
  }

  private static int direction(int dx, int dy, int dz, int directions) {
    for (int d = 0; d < directions; d++) {
      if (DX[d] == dx && DY[d] == dy && DZ[d] == dz) {
        return d;
      }
    }
    throw new IllegalStateException("blocks " + dx + ", " + dy + ", " + dz + " apart are not neighbours");
  }
}
