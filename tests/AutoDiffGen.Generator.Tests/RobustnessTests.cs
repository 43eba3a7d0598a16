using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace AutoDiffGen.Generator.Tests;

/// <summary>
/// The generator runs on every keystroke in an IDE, so it sees every half-typed state of a file. These tests take valid
/// sources that cover the supported features, break them deterministically (truncation, a deleted token, a deleted or
/// duplicated line, two swapped tokens) and check on each mutant that the generator neither throws nor reports an
/// internal error, that what it reports points into the file, and that what it emits compiles.
/// </summary>
public class RobustnessTests
{
    private const int Seed = 20240611;

    /// <summary>Valid sources, each covering some of what a [Differentiable] method may contain.</summary>
    public static readonly IReadOnlyList<string> Corpus =
    [
        // Tensors: a layer of calls, an elementwise loop with two-dimensional indices, a loss over a tensor.
        """
        using System;
        using AutoDiffGen;
        using AutoDiffGen.Tensors;

        public static partial class Net
        {
            [Differentiable]
            public static Tensor Layer(Tensor x, Tensor w, Tensor b) => TensorOps.AddBias(TensorOps.MatMul(x, w), b);

            [Differentiable]
            public static Tensor Squash(Tensor x)
            {
                Tensor y = Tensor.ZerosLike(x);
                for (int r = 0; r < x.Rows; r++)
                {
                    for (int c = 0; c < x.Columns; c++)
                    {
                        y[r, c] = MathF.Tanh(x[r, c]) * 0.5f;
                    }
                }
                return y;
            }

            [Differentiable]
            public static float Loss(Tensor w, Tensor b, [NoDerivative] Tensor x, [NoDerivative] int[] labels)
            {
                Tensor hidden = Squash(Layer(x, w, b));
                float total = 0f;
                for (int r = 0; r < hidden.Rows; r++)
                {
                    total -= hidden[r, labels[r]];
                }
                return total / hidden.Rows;
            }
        }
        """,
        // Arithmetic and Math calls.
        """
        using System;
        using AutoDiffGen;

        public static partial class Arithmetic
        {
            [Differentiable]
            public static double Smooth(double x, double y)
            {
                double r = Math.Sqrt(x * x + y * y + 1e-9);
                double e = Math.Exp(-x) * Math.Sin(y) + Math.Log(1 + y * y);
                return r * e - Math.Atan2(y, x) + Math.Pow(x, 3) / (1 + Math.Abs(y)) - Math.Tanh(x * y);
            }

            [Differentiable]
            public static double Clipped(double x, double lo) => Math.Max(lo, Math.Min(x * x, 4.0)) + Math.Cos(x) * -x;
        }
        """,

        // if / else, ternary, early return.
        """
        using System;
        using AutoDiffGen;

        namespace Shapes
        {
            public static partial class Piecewise
            {
                [Differentiable]
                public static double F(double x, double y)
                {
                    if (x > y)
                    {
                        return x * y;
                    }
                    else if (x < -1.0)
                    {
                        double t = -x;
                        return t * t + y;
                    }
                    double z = x > 0 ? x : -x;
                    if (z > 2 && y > 0)
                        z = z * y;
                    else
                        z += 1;
                    return y > 0 ? z * y : z - y;
                }
            }
        }
        """,

        // for loop with break and continue, array parameter.
        """
        using AutoDiffGen;

        public static partial class Polynomials
        {
            [Differentiable]
            public static double Horner(double x, double[] c)
            {
                double s = 0;
                for (int i = 0; i < c.Length; i++)
                {
                    if (c[i] == 0)
                    {
                        continue;
                    }
                    s = s * x + c[i];
                    if (s > 1e6)
                    {
                        break;
                    }
                }
                return s;
            }
        }
        """,

        // foreach over an array and a read-only span.
        """
        using System;
        using AutoDiffGen;

        public static partial class Sums
        {
            [Differentiable]
            public static double SumOfSquares(double[] xs)
            {
                double s = 0;
                foreach (double v in xs)
                {
                    if (v < 0) continue;
                    s += v * v;
                }
                return s;
            }

            [Differentiable]
            public static double SpanNorm(ReadOnlySpan<double> v)
            {
                double s = 0;
                foreach (double e in v)
                {
                    s += e * e;
                }
                return Math.Sqrt(s);
            }
        }
        """,

        // while and do loops, int counters, ++ and --.
        """
        using AutoDiffGen;

        public static partial class Iterations
        {
            [Differentiable]
            public static double Grow(double x)
            {
                double s = x;
                int n = 0;
                while (s < 100)
                {
                    s = s * 1.5 + x;
                    n++;
                    if (n > 50) break;
                }
                return s;
            }

            [Differentiable]
            public static double Compound(double rate, int years)
            {
                double v = 1;
                int left = years;
                do
                {
                    v *= 1 + rate;
                    left--;
                }
                while (left > 0);
                return v;
            }
        }
        """,

        // Local arrays.
        """
        using AutoDiffGen;

        public static partial class Buffers
        {
            [Differentiable]
            public static double Prefix(double x, int n)
            {
                double[] a = new double[n + 1];
                a[0] = x;
                for (int i = 1; i <= n; i++)
                {
                    a[i] = a[i - 1] * x + i;
                }
                double total = 0;
                for (int i = 0; i < a.Length; i++)
                {
                    total += a[i];
                }
                return total;
            }
        }
        """,

        // Calls between [Differentiable] methods, with scalars and arrays.
        """
        using System;
        using AutoDiffGen;

        public static partial class Calls
        {
            [Differentiable]
            public static double Square(double x) => x * x;

            [Differentiable]
            public static double Dot(double[] a, [NoDerivative] double[] w)
            {
                double s = 0;
                for (int i = 0; i < a.Length; i++)
                {
                    s += a[i] * w[i];
                }
                return s;
            }

            [Differentiable]
            public static double Outer(double x, double y, double[] a, [NoDerivative] double[] w)
            {
                double[] b = new double[a.Length];
                for (int i = 0; i < a.Length; i++)
                {
                    b[i] = Square(a[i]) * x;
                }
                return Square(x + y) * Dot(b, w) + Square(Math.Sin(y));
            }
        }
        """,

        // float methods.
        """
        using System;
        using AutoDiffGen;

        public static partial class Floats
        {
            [Differentiable]
            public static float Poly(float x, float y)
            {
                float s = MathF.Sin(x) * x + 2f;
                s += MathF.Exp(-y * y) / (1f + x * x);
                return s * MathF.Sqrt(1f + y * y);
            }

            [Differentiable]
            public static float Mean(float[] values)
            {
                float s = 0f;
                for (int i = 0; i < values.Length; i++)
                {
                    s += values[i];
                }
                return s / values.Length;
            }
        }
        """,

        // [NoDerivative] arrays and scalars, conversions, long counters.
        """
        using System;
        using AutoDiffGen;

        namespace Models.Losses;

        public static partial class Regression
        {
            [Differentiable]
            public static double Mse(double[] predicted, [NoDerivative] double[] expected, [NoDerivative] double scale)
            {
                double sum = 0;
                long count = 0;
                for (int i = 0; i < predicted.Length; i++)
                {
                    double d = predicted[i] - expected[i];
                    sum += d * d;
                    count++;
                }
                return scale * sum / (double)count;
            }

            [Differentiable]
            public static double Huber(double r, [NoDerivative] double delta)
            {
                double a = Math.Abs(r);
                return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
            }
        }
        """,

        // Nested types, a struct, reassigned parameters, constants.
        """
        using System;
        using AutoDiffGen;

        namespace Physics
        {
            public partial struct Spring
            {
                public static partial class Energy
                {
                    private const double K = 2.5;

                    [Differentiable]
                    public static double Potential(double x, double rest)
                    {
                        x = x - rest;
                        double e = 0.5 * K * x * x;
                        e -= Math.Cos(x) / 10;
                        return e;
                    }
                }
            }
        }
        """,

        // Overloads, nested loops, compound assignments.
        """
        using AutoDiffGen;

        public partial class Overloads
        {
            [Differentiable] public static double Norm(double x) => x * x;

            [Differentiable] public static double Norm(double x, double y) => Norm(x) + y * y;

            [Differentiable]
            internal static double Grid(double x, int rows, int cols)
            {
                double s = 0;
                for (int r = 0; r < rows; r++)
                {
                    for (int c = 0; c < cols; c++)
                    {
                        if (c == r) continue;
                        s += x * (r + 1) / (c + 1);
                        s *= 0.5;
                    }
                }
                return s;
            }
        }
        """,
    ];

    [Fact]
    public void Every_corpus_source_generates_clean_code()
    {
        foreach (string source in Corpus)
        {
            GeneratorRun run = GeneratorHarness.Run(source);
            Assert.True(run.Result.Exception is null, $"The generator threw on a corpus source:\n{run.Result.Exception}\n{source}");
            Assert.True(run.GeneratorDiagnostics.IsEmpty, $"A corpus source gets diagnostics:\n{Describe(run.GeneratorDiagnostics)}\n{source}");
            Assert.NotEmpty(run.HintNames);
            Diagnostic[] problems = run.CompilationProblems.ToArray();
            Assert.True(problems.Length == 0, $"A corpus source does not compile cleanly:\n{Describe(problems)}\n{source}");
        }
    }

    /// <summary>Small broken states that the mutants below have run into, kept as named regressions.</summary>
    public static TheoryData<string, string> BrokenShapes => new()
    {
        {
            "a method pasted twice",
            """
            using AutoDiffGen;

            public static partial class C
            {
                [Differentiable] public static double F(double x) => x * x;
                [Differentiable] public static double F(double x) => x * x;
            }
            """
        },
        {
            "a class without a name",
            """
            using AutoDiffGen;

            public static partial class
            {
                [Differentiable] public static double F(double x) => x * x;
            }
            """
        },
        {
            "a namespace name cut short",
            """
            using AutoDiffGen;

            namespace Models.;

            public static partial class C
            {
                [Differentiable] public static double F(double x) => x * x;
            }
            """
        },
        {
            "a local without a name",
            """
            using AutoDiffGen;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x)
                {
                    double y = x * x;
                    double
                    return y;
                }
            }
            """
        },
        {
            "a method outside any class",
            """
            using AutoDiffGen;

            namespace N
            {
                [Differentiable]
                public static double F(double x) => x * x;
            }
            """
        },
        {
            "a caller of a half-typed callee",
            """
            using AutoDiffGen;

            public static partial class C
            {
                [Differentiable]
                public static double Square(double x) => * x;

                [Differentiable]
                public static double Outer(double x) => Square(x) + x;
            }
            """
        },
    };

    [Theory]
    [MemberData(nameof(BrokenShapes))]
    public void Broken_shape_keeps_the_generator_healthy(string shape, string source)
    {
        Failure? failure = Check(GeneratorHarness.Run(Compile(source)), [source]);
        Assert.True(failure is null, $"{shape}: {failure?.Text}\n{source}");
    }

    [Fact]
    public void Truncated_sources_keep_the_generator_healthy()
    {
        // Every 5th position, plus a random jitter so different sources stop at different kinds of characters.
        var random = new Random(Seed);
        CheckMutants("truncated", source =>
        {
            var mutants = new List<(string, string)>();
            for (int end = random.Next(5); end < source.Length; end += 5)
            {
                mutants.Add(($"truncated at {end}", source.Substring(0, end)));
            }
            return mutants;
        });
    }

    [Fact]
    public void Sources_with_one_token_deleted_keep_the_generator_healthy()
    {
        var random = new Random(Seed + 1);
        CheckMutants("token deleted", source =>
        {
            SyntaxToken[] tokens = Tokens(source);
            return tokens
                .Where(_ => random.NextDouble() < 0.45)
                .Select(t => ($"deleted token '{t.Text}' at {t.SpanStart}", source.Remove(t.SpanStart, t.Span.Length)))
                .ToList();
        });
    }

    [Fact]
    public void Sources_with_one_line_deleted_keep_the_generator_healthy()
    {
        CheckMutants("line deleted", source => OnePerLine(source, skipBlankLines: false,
            (lines, i) => ($"deleted line {i + 1}", Join(lines.Where((_, j) => j != i)))));
    }

    [Fact]
    public void Sources_with_one_line_duplicated_keep_the_generator_healthy()
    {
        CheckMutants("line duplicated", source => OnePerLine(source, skipBlankLines: true,
            (lines, i) => ($"duplicated line {i + 1}", Join(lines.Take(i + 1).Concat(lines.Skip(i))))));
    }

    [Fact]
    public void Sources_with_two_adjacent_tokens_swapped_keep_the_generator_healthy()
    {
        var random = new Random(Seed + 2);
        CheckMutants("tokens swapped", source =>
        {
            SyntaxToken[] tokens = Tokens(source);
            var mutants = new List<(string, string)>();
            for (int i = 0; i + 1 < tokens.Length; i++)
            {
                if (random.NextDouble() >= 0.3)
                {
                    continue;
                }
                SyntaxToken a = tokens[i];
                SyntaxToken b = tokens[i + 1];
                string swapped = source.Substring(0, a.SpanStart) + b.Text + source.Substring(a.Span.End, b.SpanStart - a.Span.End) + a.Text + source.Substring(b.Span.End);
                mutants.Add(($"swapped '{a.Text}' at {a.SpanStart} with '{b.Text}' at {b.SpanStart}", swapped));
            }
            return mutants;
        });
    }

    [Fact]
    public void Typing_a_method_keystroke_by_keystroke_with_one_driver_keeps_the_generator_healthy()
    {
        // An IDE reuses one driver and feeds it every state of the file; the cached pipeline must cope, and the last state
        // must produce exactly what a fresh run produces.
        var failures = new List<Failure>();
        int runs = 0;
        foreach (int index in new[] { 1, 6, 9 })
        {
            string final = Corpus[index];
            int bodyStart = final.IndexOf("[Differentiable]", StringComparison.Ordinal);
            GeneratorRun run = GeneratorHarness.Run(final.Substring(0, bodyStart));
            for (int end = bodyStart + 1; end <= final.Length; end += end < final.Length - 3 ? 3 : 1)
            {
                string text = final.Substring(0, end);
                run = run.RerunWith(0, text);
                runs++;
                Failure? failure = Check(run, [text]);
                if (failure is not null)
                {
                    failures.Add(failure with { Text = $"--- corpus {index}, typed up to {end}: {failure.Text}\n{text}" });
                }
            }
            GeneratorRun fresh = GeneratorHarness.Run(final);
            string[] incremental = GeneratedFiles(run);
            string[] expected = GeneratedFiles(fresh);
            if (!incremental.SequenceEqual(expected) || run.GeneratorDiagnostics.Length != fresh.GeneratorDiagnostics.Length)
            {
                failures.Add(new Failure("incremental output differs", $"--- corpus {index}: after typing the whole file the driver's output differs from a fresh run's"));
            }
        }
        Report("typed keystroke by keystroke", runs, failures);
    }

    // ---- machinery ----

    private static void CheckMutants(string kind, Func<string, List<(string Description, string Text)>> mutate)
    {
        var failures = new List<Failure>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int runs = 0;
        var clock = Stopwatch.StartNew();
        for (int index = 0; index < Corpus.Count; index++)
        {
            foreach ((string description, string text) in mutate(Corpus[index]))
            {
                if (!seen.Add(text))
                {
                    continue;
                }
                runs++;
                GeneratorRun run = GeneratorHarness.Run(Compile(text));
                Failure? failure = Check(run, [text]);
                if (failure is not null)
                {
                    failures.Add(failure with { Text = $"--- corpus {index}, {description}: {failure.Text}\n{text}" });
                }
            }
        }
        Report($"{kind} ({clock.Elapsed.TotalSeconds:F1} s)", runs, failures);
    }

    /// <summary>
    /// A compilation of <paramref name="text"/> as Source0.cs, made from one shared empty compilation so that the
    /// references are bound once rather than once per mutant.
    /// </summary>
    private static Compilation Compile(string text) =>
        s_empty.Value.AddSyntaxTrees(CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions, "Source0.cs"));

    private static readonly Lazy<CSharpCompilation> s_empty = new(() =>
    {
        CSharpCompilation empty = GeneratorHarness.CreateCompilation([], null, "Tests");
        _ = empty.GetDiagnostics(); // binds the references once
        return empty;
    });

    /// <summary>What is wrong with one run, or null: an exception, an internal error, a location outside the file, or an error in generated code.</summary>
    private static Failure? Check(GeneratorRun run, string[] sources)
    {
        if (run.Result.Exception is { } exception)
        {
            return new Failure("the generator threw " + exception.GetType().Name, "the generator threw: " + exception);
        }
        Diagnostic[] reported = run.GeneratorDiagnostics.Concat(run.Result.Diagnostics).ToArray();
        Diagnostic[] crashes = reported.Where(d => d.Id is "ADG0099" or "AD0001" or "CS8785").ToArray();
        if (crashes.Length > 0)
        {
            return new Failure("internal error " + string.Join(",", crashes.Select(d => d.Id).Distinct()), "internal error:\n" + Describe(crashes));
        }
        foreach (Diagnostic diagnostic in reported.Where(d => d.Id.StartsWith("ADG", StringComparison.Ordinal)))
        {
            FileLinePositionSpan where = diagnostic.Location.GetLineSpan();
            int file = Enumerable.Range(0, sources.Length).FirstOrDefault(i => where.Path == $"Source{i}.cs", -1);
            if (diagnostic.Location == Location.None || file < 0 || diagnostic.Location.SourceSpan.End > sources[file].Length)
            {
                return new Failure("a diagnostic points outside the sources " + diagnostic.Id, "a diagnostic points outside the sources:\n" + Describe([diagnostic]));
            }
        }
        if (run.Result.GeneratedSources.IsEmpty)
        {
            return null;
        }
        var generated = new HashSet<string>(run.Result.GeneratedSources.Select(s => s.SyntaxTree.FilePath), StringComparer.Ordinal);
        Diagnostic[] errors = run.OutputCompilation.SyntaxTrees
            .Where(tree => generated.Contains(tree.FilePath))
            .SelectMany(tree => run.OutputCompilation.GetSemanticModel(tree).GetDiagnostics())
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree is { } tree && generated.Contains(tree.FilePath))
            .ToArray();
        if (errors.Length > 0)
        {
            var text = new StringBuilder("the generated code has errors:\n" + Describe(errors));
            foreach (SyntaxTree tree in errors.Select(e => e.Location.SourceTree!).Distinct())
            {
                text.Append("\n// ").Append(tree.FilePath).Append('\n').Append(tree.GetText());
            }
            string signature = "errors in generated code " + string.Join(",", errors.Select(e => e.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal));
            return new Failure(signature, text.ToString());
        }
        return null;
    }

    /// <summary>One failed run: a signature that groups failures of the same kind, and the full report with the source.</summary>
    private sealed record Failure(string Signature, string Text);

    /// <summary>Fails with the count of failed runs and, for each kind of failure, how often it happened and its first examples.</summary>
    private static void Report(string kind, int runs, List<Failure> failures)
    {
        const int ExamplesPerKind = 2;
        Assert.True(runs > 0, "No mutants were run.");
        if (failures.Count == 0)
        {
            return;
        }
        var message = new StringBuilder($"{failures.Count} of {runs} runs ({kind}) failed.\n");
        foreach (IGrouping<string, Failure> group in failures.GroupBy(f => f.Signature))
        {
            message.Append($"\n===== {group.Key}: {group.Count()} runs; the first {Math.Min(ExamplesPerKind, group.Count())} with their sources:\n\n");
            message.Append(string.Join("\n\n", group.Take(ExamplesPerKind).Select(f => f.Text))).Append('\n');
        }
        Assert.Fail(message.ToString());
    }

    private static SyntaxToken[] Tokens(string source) =>
        CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions).GetRoot().DescendantTokens()
            .Where(t => !t.IsKind(SyntaxKind.EndOfFileToken) && t.Span.Length > 0)
            .ToArray();

    /// <summary>
    /// One mutant for each line of <paramref name="source"/> (each non-blank line if <paramref name="skipBlankLines"/>),
    /// made by <paramref name="mutate"/> from all the lines and the index of that line.
    /// </summary>
    private static List<(string Description, string Text)> OnePerLine(
        string source, bool skipBlankLines, Func<string[], int, (string Description, string Text)> mutate)
    {
        string[] lines = source.Split('\n');
        return Enumerable.Range(0, lines.Length)
            .Where(i => !skipBlankLines || lines[i].Trim().Length > 0)
            .Select(i => mutate(lines, i))
            .ToList();
    }

    /// <summary>Each generated file of <paramref name="run"/> as its hint name and text, in ordinal order, for comparing two runs.</summary>
    private static string[] GeneratedFiles(GeneratorRun run) =>
        run.Result.GeneratedSources.Select(s => s.HintName + "\n" + s.SourceText).OrderBy(s => s, StringComparer.Ordinal).ToArray();

    private static string Join(IEnumerable<string> lines) => string.Join("\n", lines);

    private static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join("\n", diagnostics.Select(d =>
            $"  {d.Id} {d.Severity} at {d.Location.GetLineSpan().Path}{d.Location.GetLineSpan().Span}: {d.GetMessage(CultureInfo.InvariantCulture)}"));
}
