using System;
using AutoDiffGen;

namespace AutoDiffGen.GradBench.Evals;

/// <summary>
/// GradBench's <c>gmm</c> eval: the log posterior of a Gaussian mixture model with a Wishart prior on the precision
/// matrices, in GradBench's corrected form. Component c has weight ∝ exp(αc), mean μc and precision QcᵀQc, where Qc
/// is lower triangular with diagonal exp(qc) and, below it, lc filled column by column.
/// </summary>
public static partial class GmmObjective
{
    /// <summary>
    /// The log posterior. Matrices are flattened row-major: <paramref name="mu"/> and <paramref name="q"/> are k×d,
    /// <paramref name="l"/> is k×d(d−1)/2 and <paramref name="x"/> is n×d.
    /// </summary>
    /// <param name="alpha">The k weight parameters (the weights are their softmax).</param>
    /// <param name="mu">The k means.</param>
    /// <param name="q">The logarithms of the diagonals of the Qc.</param>
    /// <param name="l">The strictly lower triangular parts of the Qc, column by column.</param>
    /// <param name="x">The n data points.</param>
    /// <param name="d">The dimension of the space.</param>
    /// <param name="k">The number of mixture components.</param>
    /// <param name="n">The number of data points.</param>
    /// <param name="wishartM">The Wishart prior's additional degrees of freedom m.</param>
    /// <param name="wishartGamma">The Wishart prior's precision γ.</param>
    [Differentiable]
    public static double LogPosterior(
        double[] alpha, double[] mu, double[] q, double[] l,
        [NoDerivative] double[] x, int d, int k, int n, int wishartM, [NoDerivative] double wishartGamma)
    {
        int triangleSize = d * (d - 1) / 2;

        double[] diagonals = new double[k * d];
        for (int i = 0; i < k * d; i++)
        {
            diagonals[i] = Math.Exp(q[i]);
        }
        // Σⱼ qcⱼ = log det Qc, the normalization of component c's density.
        double[] logDeterminants = new double[k];
        for (int c = 0; c < k; c++)
        {
            for (int j = 0; j < d; j++)
            {
                logDeterminants[c] += q[c * d + j];
            }
        }

        double[] centered = new double[d];
        double[] transformed = new double[d];
        double[] componentTerms = new double[k];
        double likelihood = 0;
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < k; c++)
            {
                for (int j = 0; j < d; j++)
                {
                    centered[j] = x[i * d + j] - mu[c * d + j];
                }
                // transformed = Qc (xᵢ − μc)
                for (int j = 0; j < d; j++)
                {
                    transformed[j] = diagonals[c * d + j] * centered[j];
                }
                int lIndex = c * triangleSize;
                for (int column = 0; column < d; column++)
                {
                    for (int row = column + 1; row < d; row++)
                    {
                        transformed[row] += l[lIndex] * centered[column];
                        lIndex++;
                    }
                }
                double squaredNorm = 0;
                for (int j = 0; j < d; j++)
                {
                    squaredNorm += transformed[j] * transformed[j];
                }
                componentTerms[c] = alpha[c] + logDeterminants[c] - 0.5 * squaredNorm;
            }
            likelihood += LseObjective.LogSumExp(componentTerms);
        }
        double constant = -n * d * 0.5 * Math.Log(2 * Math.PI);
        likelihood += constant - n * LseObjective.LogSumExp(alpha);

        // The Wishart prior: Σc (m Σⱼ qcⱼ − γ²/2 ‖Qc‖²_F) plus a constant.
        int degreesOfFreedom = d + wishartM + 1;
        double prior = 0;
        for (int c = 0; c < k; c++)
        {
            double frobenius = 0;
            for (int j = 0; j < d; j++)
            {
                frobenius += diagonals[c * d + j] * diagonals[c * d + j];
            }
            for (int j = 0; j < triangleSize; j++)
            {
                frobenius += l[c * triangleSize + j] * l[c * triangleSize + j];
            }
            prior += wishartM * logDeterminants[c] - 0.5 * wishartGamma * wishartGamma * frobenius;
        }
        double priorConstant = degreesOfFreedom * d * (Math.Log(wishartGamma) - 0.5 * Math.Log(2))
            - LogMultivariateGamma(0.5 * degreesOfFreedom, d);
        prior += k * priorConstant;

        return likelihood + prior;
    }

    /// <summary>The logarithm of the multivariate gamma function Γ_p(a) = π^(p(p−1)/4) Πⱼ Γ(a + (1 − j)/2).</summary>
    /// <remarks>An ordinary method: the objective calls it with constants only, so the generator treats it as a constant.</remarks>
    public static double LogMultivariateGamma(double a, int p)
    {
        double result = 0.25 * p * (p - 1) * Math.Log(Math.PI);
        for (int j = 1; j <= p; j++)
        {
            result += SpecialFunctions.LogGamma(a + 0.5 * (1 - j));
        }
        return result;
    }
}
