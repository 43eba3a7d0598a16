using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.IO;
using static System.FormattableString;

namespace ToyRegressionSample;

/// <summary>One line of the training log: the parameters after <paramref name="Epoch"/> epochs and the loss there.</summary>
public sealed record EpochReport(int Epoch, double W, double B, double Mse);

/// <summary>What a training run printed and ended with.</summary>
/// <param name="InitialPredictions">The first forward pass, w·x + b with the initial W and B.</param>
/// <param name="InitialMse">The loss of the first forward pass.</param>
/// <param name="W">The trained weight.</param>
/// <param name="B">The trained bias.</param>
/// <param name="Mse">The loss at the trained W and B.</param>
/// <param name="DmseDw">∂MSE/∂w at the trained W and B (from the generated gradient).</param>
/// <param name="DmseDb">∂MSE/∂b at the trained W and B (from the generated gradient).</param>
/// <param name="ClosedFormW">The least-squares weight computed directly.</param>
/// <param name="ClosedFormB">The least-squares bias computed directly.</param>
/// <param name="ClosedFormMse">The loss at the least-squares solution.</param>
/// <param name="Reports">The lines of the training log, epoch 0 first.</param>
/// <param name="History">
/// W, B and the loss after every epoch, epoch 0 (the start) and the last epoch included; for runs longer than
/// <see cref="ToyRegression.MaxHistory"/> epochs, after every k-th epoch so that it stays that short. The plot draws it.
/// </param>
public sealed record ToyRegressionResult(
    IReadOnlyList<double> InitialPredictions,
    double InitialMse,
    double W,
    double B,
    double Mse,
    double DmseDw,
    double DmseDb,
    double ClosedFormW,
    double ClosedFormB,
    double ClosedFormMse,
    IReadOnlyList<EpochReport> Reports,
    IReadOnlyList<EpochReport> History)
{
    /// <summary>Whether the trained W and B agree with the least-squares solution to 4 decimals.</summary>
    public bool MatchesClosedForm =>
        ToyRegression.Format4(W) == ToyRegression.Format4(ClosedFormW) &&
        ToyRegression.Format4(B) == ToyRegression.Format4(ClosedFormB);
}

/// <summary>
/// The toy regression: fit y ≈ w·x + b to four points by gradient descent on the mean squared error, with the
/// gradient from the generated <c>ToyRegressionModel.MseGradient</c>, and compare with the closed-form least squares.
/// </summary>
public static class ToyRegression
{
    private static readonly double[] s_x = [0.1, 0.3, 0.6, 0.7];
    private static readonly double[] s_y = [0.2, 0.25, 0.4, 0.7];

    /// <summary>The inputs.</summary>
    public static ReadOnlyCollection<double> X { get; } = Array.AsReadOnly(s_x);

    /// <summary>The targets.</summary>
    public static ReadOnlyCollection<double> Y { get; } = Array.AsReadOnly(s_y);

    /// <summary>The initial weight.</summary>
    public const double InitialW = 0.5;

    /// <summary>The initial bias.</summary>
    public const double InitialB = 0.0;

    /// <summary>The most epochs <see cref="ToyRegressionResult.History"/> keeps (plus the last one).</summary>
    public const int MaxHistory = 10_000;

    /// <summary>
    /// Prints the first forward pass, trains W and B for <paramref name="epochs"/> epochs of gradient descent with
    /// learning rate <paramref name="rate"/> (printing about twenty lines of progress), then prints the result next
    /// to the closed-form least-squares solution.
    /// </summary>
    public static ToyRegressionResult Run(TextWriter output, int epochs, double rate)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);

        double w = InitialW;
        double b = InitialB;

        // The first forward pass.
        double[] predictions = ToyRegressionModel.Predict(w, b, s_x);
        double initialMse = ToyRegressionModel.Mse(w, b, s_x, s_y);
        output.WriteLine("Toy regression: fit y = W*x + B by gradient descent on the mean squared error");
        output.WriteLine(Invariant($"X = {List(s_x)}"));
        output.WriteLine(Invariant($"Y = {List(s_y)}"));
        output.WriteLine(Invariant($"W = {w}, B = {b}"));
        output.WriteLine();
        output.WriteLine("First forward pass:");
        output.WriteLine(Invariant($"  predictions W*X + B = {List(predictions)}"));
        output.WriteLine(Invariant($"  MSE = {Format4(initialMse)}  (exactly {initialMse:R}; 4 decimals, ties to even)"));
        output.WriteLine();

        // Training: each epoch takes one step against the gradient of the loss over all four points.
        int every = Math.Max(1, epochs / 20);
        output.WriteLine(Invariant($"Training: {epochs} epochs, learning rate {rate}, gradient from ToyRegressionModel.MseGradient"));
        output.WriteLine(Invariant($"{"epoch",8}  {"W",8}  {"B",8}  {"MSE",8}"));
        output.WriteLine(new string('-', 8 + 3 * 10));
        var reports = new List<EpochReport>();
        Report(output, reports, 0, w, b, initialMse);
        // The gradient call returns the loss before the step, so the history costs no extra pass over the data.
        int stride = (int)Math.Max(1, ((long)epochs + MaxHistory - 1) / MaxHistory);
        var history = new List<EpochReport>(Math.Min(epochs, MaxHistory) + 2);
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            double mseBefore = ToyRegressionModel.MseGradient(w, b, s_x, s_y, out double dW, out double dB);
            if ((epoch - 1) % stride == 0)
            {
                history.Add(new EpochReport(epoch - 1, w, b, mseBefore));
            }
            w -= rate * dW;
            b -= rate * dB;
            if (epoch % every == 0 || epoch == epochs)
            {
                Report(output, reports, epoch, w, b, ToyRegressionModel.Mse(w, b, s_x, s_y));
            }
        }

        double mse = ToyRegressionModel.MseGradient(w, b, s_x, s_y, out double finalDw, out double finalDb);
        history.Add(new EpochReport(epochs, w, b, mse));
        (double closedW, double closedB) = LeastSquares(s_x, s_y);
        double closedMse = ToyRegressionModel.Mse(closedW, closedB, s_x, s_y);
        var result = new ToyRegressionResult(
            Array.AsReadOnly(predictions), initialMse, w, b, mse, finalDw, finalDb, closedW, closedB, closedMse, reports.AsReadOnly(), history.AsReadOnly());

        output.WriteLine();
        output.WriteLine(Invariant($"Gradient descent:   W = {Format4(w)}, B = {Format4(b)}, MSE = {Format4(mse)}  (gradient there: dMSE/dW = {finalDw:G3}, dMSE/dB = {finalDb:G3})"));
        output.WriteLine(Invariant($"Least squares:      W = {Format4(closedW)}, B = {Format4(closedB)}, MSE = {Format4(closedMse)}  (closed form: W = cov(X, Y) / var(X), B = mean(Y) - W * mean(X))"));
        output.WriteLine(result.MatchesClosedForm
            ? "Gradient descent reached the least-squares fit to 4 decimals."
            : "Gradient descent has not reached the least-squares fit to 4 decimals; try more epochs or another rate (it diverges above about 0.84).");
        return result;
    }

    /// <summary>The least-squares line through the points: W = Σ(x−x̄)(y−ȳ) / Σ(x−x̄)², B = ȳ − W·x̄.</summary>
    public static (double W, double B) LeastSquares(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count || x.Count < 2)
        {
            throw new ArgumentException("Least squares needs at least two points and as many targets as inputs.", nameof(y));
        }

        double meanX = 0, meanY = 0;
        for (int i = 0; i < x.Count; i++)
        {
            meanX += x[i];
            meanY += y[i];
        }
        meanX /= x.Count;
        meanY /= x.Count;

        double covariance = 0, variance = 0;
        for (int i = 0; i < x.Count; i++)
        {
            covariance += (x[i] - meanX) * (y[i] - meanY);
            variance += (x[i] - meanX) * (x[i] - meanX);
        }
        double w = covariance / variance;
        return (w, meanY - w * meanX);
    }

    /// <summary>
    /// <paramref name="value"/> with 4 decimals, rounding ties to even after dropping the binary noise beyond 15
    /// significant digits (so the initial loss, exactly 0.04125, prints as 0.0412).
    /// </summary>
    public static string Format4(double value)
    {
        if (!double.IsFinite(value) || Math.Abs(value) >= 1e15)
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }
        decimal rounded = Math.Round((decimal)value, 4, MidpointRounding.ToEven);
        return rounded.ToString("0.0000", CultureInfo.InvariantCulture);
    }

    private static void Report(TextWriter output, List<EpochReport> reports, int epoch, double w, double b, double mse)
    {
        reports.Add(new EpochReport(epoch, w, b, mse));
        output.WriteLine(Invariant($"{epoch,8}  {Format4(w),8}  {Format4(b),8}  {Format4(mse),8}"));
    }

    private static string List(IEnumerable<double> values) =>
        "[" + string.Join(", ", System.Linq.Enumerable.Select(values, v => v.ToString("0.####", CultureInfo.InvariantCulture))) + "]";
}
