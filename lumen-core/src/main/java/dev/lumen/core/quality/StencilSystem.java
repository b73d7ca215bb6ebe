package dev.lumen.core.quality;

import java.util.Arrays;

/**
 * A symmetric positive definite system over some cells of a grid in which each unknown is coupled
 * only to unknowns in its eight neighbouring cells: row {@code u} reads {@code diagonal[u] x_u -
 * sum over directions k of weight[8u + k] x_(neighbour[8u + k])}. ROAD's imputation is one on the
 * pixel grid; {@link #coarsened()} gives another of the same form on a grid of half the side, so
 * {@link AggregationMultigrid} can use one class at every level.
 */
final class StencilSystem {
  /** The eight directions, as steps along x and y. */
  static final int[] DX = {1, 0, -1, 1, 0, -1, 1, -1};
  static final int[] DY = {1, 1, 1, -1, -1, -1, 0, 0};

  private final int width;
  private final int height;
  private final int[] cellOf;
  private final int[] neighbour;
  private final double[] weight;
  private final double[] diagonal;
  // the couplings row by row (compressed rows), for the loops that run every iteration
  private final int[] rowStart;
  private final int[] column;
  private final double[] value;

  /**
   * @param cellOf each unknown's cell, {@code y * width + x}, in increasing order
   * @param neighbour for each unknown and direction the unknown there, or -1 for none
   * @param weight the coupling's magnitude, where {@code neighbour} names one
   */
  StencilSystem(int width, int height, int[] cellOf, int[] neighbour, double[] weight, double[] diagonal) {
    this.width = width;
    this.height = height;
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
      for (int k = 8 * u; k < 8 * u + 8; k++) {
        if (neighbour[k] >= 0) {
          column[e] = neighbour[k];
          value[e++] = weight[k];
        }
      }
    }
    rowStart[n] = e;
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
      for (int k = 8 * u; k < 8 * u + 8; k++) {
        if (neighbour[k] >= 0) {
          a[u][neighbour[k]] -= weight[k];
        }
      }
    }
    return a;
  }

  /**
   * The unknowns gathered into the 2 × 2 blocks of cells that hold them (aggregation), with the
   * Galerkin product {@code Pᵀ A P} of this system for P the piecewise-constant prolongation:
   * again symmetric positive definite, and again coupled only to the eight neighbouring blocks,
   * since a fine coupling spans one cell. {@link #aggregateOf()} gives P.
   */
  StencilSystem coarsened() {
    int[] aggregate = aggregateOf();
    int coarseWidth = (width + 1) / 2;
    int m = Arrays.stream(aggregate).max().orElse(-1) + 1;
    int[] coarseCell = new int[m];
    for (int u = 0; u < cellOf.length; u++) {
      coarseCell[aggregate[u]] = blockOf(cellOf[u], coarseWidth);
    }
    int[] coarseNeighbour = new int[8 * m];
    Arrays.fill(coarseNeighbour, -1);
    double[] coarseWeight = new double[8 * m];
    double[] coarseDiagonal = new double[m];
    for (int u = 0; u < cellOf.length; u++) {
      int i = aggregate[u];
      coarseDiagonal[i] += diagonal[u];
      for (int k = 8 * u; k < 8 * u + 8; k++) {
        if (neighbour[k] < 0) {
          continue;
        }
        int j = aggregate[neighbour[k]];
        if (j == i) {
          coarseDiagonal[i] -= weight[k];
        } else {
          int direction = direction(coarseCell[j] % coarseWidth - coarseCell[i] % coarseWidth,
              coarseCell[j] / coarseWidth - coarseCell[i] / coarseWidth);
          coarseNeighbour[8 * i + direction] = j;
          coarseWeight[8 * i + direction] += weight[k];
        }
      }
    }
    return new StencilSystem(coarseWidth, (height + 1) / 2, coarseCell, coarseNeighbour, coarseWeight, coarseDiagonal);
  }

  /** Each unknown's coarse unknown: its 2 × 2 block, the blocks that hold unknowns numbered in raster order. */
  int[] aggregateOf() {
    int coarseWidth = (width + 1) / 2;
    boolean[] used = new boolean[coarseWidth * ((height + 1) / 2)];
    for (int cell : cellOf) {
      used[blockOf(cell, coarseWidth)] = true;
    }
    int[] numbered = new int[used.length];
    int m = 0;
    for (int block = 0; block < used.length; block++) {
      numbered[block] = used[block] ? m++ : -1;
    }
    int[] aggregate = new int[cellOf.length];
    for (int u = 0; u < cellOf.length; u++) {
      aggregate[u] = numbered[blockOf(cellOf[u], coarseWidth)];
    }
    return aggregate;
  }

  private int blockOf(int cell, int coarseWidth) {
    return (cell / width / 2) * coarseWidth + (cell % width) / 2;
  }

  private static int direction(int dx, int dy) {
    for (int k = 0; k < 8; k++) {
      if (DX[k] == dx && DY[k] == dy) {
        return k;
      }
    }
    throw new IllegalStateException("blocks " + dx + ", " + dy + " apart are not neighbours");
  }
}
