using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using AutoDiffGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AutoDiffGen.Benchmarks;

/// <summary>
/// An in-memory compilation of <see cref="MethodCount"/> [Differentiable] methods in partial classes, and the same
/// compilation after the body of one method was edited, for timing <see cref="DifferentiableGenerator"/>.
/// </summary>
public sealed class GeneratorWorkload
{
    public const int MethodCount = 200;
    public const int MethodsPerFile = 10;
    public const int FileCount = MethodCount / MethodsPerFile;

    /// <summary>The method whose body the edit changes (a branchy one in the middle of its file, so lines after it move).</summary>
    public const int EditedMethod = 75;

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
    {
        // The framework as this process sees it, plus the runtime assembly that defines the attributes.
        string trustedAssemblies = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        var references = trustedAssemblies.Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(path) is "netstandard.dll" or "mscorlib.dll")
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToList();
        references.Add(MetadataReference.CreateFromFile(typeof(DifferentiableAttribute).Assembly.Location));
        return references.ToImmutableArray();
    });

    public GeneratorWorkload()
    {
        var trees = new List<SyntaxTree>(FileCount);
        for (int file = 0; file < FileCount; file++)
        {
            trees.Add(Parse(FileText(file, editedMethod: -1), file));
        }
        Compilation = CSharpCompilation.Create(
            "GeneratorWorkload",
            trees,
            s_references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        int editedFile = EditedMethod / MethodsPerFile;
        OriginalTree = trees[editedFile];
        EditedTree = Parse(FileText(editedFile, EditedMethod), editedFile);
    }

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    /// <summary>The compilation before the edit. Its symbols are bound lazily, so time work on <see cref="Compilation.Clone"/>s of it.</summary>
    public CSharpCompilation Compilation { get; }

    /// <summary>The tree that holds <see cref="EditedMethod"/>, before and after the edit.</summary>
    public SyntaxTree OriginalTree { get; }

    public SyntaxTree EditedTree { get; }

    /// <summary>The name of the edited method, as the generator reports it.</summary>
    public static string EditedMethodName => MethodName(EditedMethod);

    /// <summary><paramref name="previous"/> with the edited file in place of the original one, as an IDE would make it.</summary>
    public Compilation Edit(Compilation previous) => previous.ReplaceSyntaxTree(OriginalTree, EditedTree);

    /// <summary>A fresh driver, tracking steps so that the incremental check can read them.</summary>
    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new DifferentiableGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>
    /// What any ForAttributeWithMetadataName generator that reads method bodies pays on a new compilation: the attribute
    /// of every method, then the IOperation tree of every [Differentiable] body. Returns the number of bodies bound.
    /// </summary>
    public static int BindAttributedBodies(Compilation compilation)
    {
        int bound = 0;
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (MethodDeclarationSyntax method in tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>())
            {
                if (model.GetDeclaredSymbol(method) is { } symbol &&
                    symbol.GetAttributes().Any(a => a.AttributeClass?.Name == nameof(DifferentiableAttribute)) &&
                    model.GetOperation(method) is not null)
                {
                    bound++;
                }
            }
        }
        return bound;
    }

    private static SyntaxTree Parse(string text, int file) =>
        CSharpSyntaxTree.ParseText(text, ParseOptions, $"Workload{file:D2}.cs", Encoding.UTF8);

    private static string MethodName(int index) => $"M{index:D3}";

    /// <summary>Two files per class, so every class really is partial across files.</summary>
    private static string FileText(int file, int editedMethod)
    {
        var text = new StringBuilder();
        text.AppendLine("using System;");
        text.AppendLine("using AutoDiffGen;");
        text.AppendLine();
        text.AppendLine("namespace Workload;");
        text.AppendLine();
        text.AppendLine($"public static partial class Group{file / 2:D2}");
        text.AppendLine("{");
        for (int index = file * MethodsPerFile; index < (file + 1) * MethodsPerFile; index++)
        {
            AppendMethod(text, index, index == editedMethod);
        }
        text.AppendLine("}");
        return text.ToString();
    }

    private static string Number(double value) => value.ToString("0.0###", CultureInfo.InvariantCulture);

    private static void AppendMethod(StringBuilder text, int index, bool edited)
    {
        string name = MethodName(index);
        string c1 = Number(0.5 + index % 7 * 0.25);
        string c2 = Number(1.0 + index % 5 * 0.125);
        switch (index % 6)
        {
            case 0: // arithmetic
                text.AppendLine($$"""
                        [Differentiable]
                        public static double {{name}}(double x, double y)
                        {
                            double t = x * y + {{c1}} * x - y / (1.0 + x * x);
                            return t * t + {{c2}} * y;
                        }

                    """);
                break;
            case 1: // Math calls
                text.AppendLine($$"""
                        [Differentiable]
                        public static double {{name}}(double x, double y)
                        {
                            double u = Math.Sin(x * {{c1}}) * Math.Exp(-y * y);
                            return u + Math.Log(1.0 + x * x) * Math.Sqrt(1.0 + y * y) - Math.Atan2(y, {{c2}} + x * x);
                        }

                    """);
                break;
            case 2: // a loop over an array
                text.AppendLine($$"""
                        [Differentiable]
                        public static double {{name}}(double x, double[] a)
                        {
                            double s = 0;
                            for (int i = 0; i < a.Length; i++)
                            {
                                s += a[i] * a[i] * {{c1}} + Math.Sqrt(1.0 + a[i] * a[i]) * x;
                            }
                            return s;
                        }

                    """);
                break;
            case 3: // a branch; the edited method is one of these
                string extra = edited ? $"\n        t = t * t + {c2} * Math.Cos(y);" : string.Empty;
                text.AppendLine($$"""
                        [Differentiable]
                        public static double {{name}}(double x, double y)
                        {
                            double t = Math.Tanh(x * {{c1}});{{extra}}
                            if (t > 0)
                            {
                                return t * y + Math.Pow(x, 2.0);
                            }
                            return Math.Cosh(y) - {{c2}} * x;
                        }

                    """);
                break;
            case 4: // nested loops, a constant array and an int
                text.AppendLine($$"""
                        [Differentiable]
                        public static double {{name}}(double x, double[] c, [NoDerivative] double[] data, int n)
                        {
                            double total = 0;
                            for (int j = 0; j < n; j++)
                            {
                                double p = 0;
                                for (int i = 0; i < c.Length; i++)
                                {
                                    p = p * (x + data[j]) + c[i];
                                }
                                total += p * {{c1}};
                            }
                            return total;
                        }

                    """);
                break;
            default: // a call to another [Differentiable] method, possibly of another class
                text.AppendLine($$"""
                        [Differentiable]
                        public static double {{name}}(double x, double y)
                        {
                            double v = Group{{(index - 5) / MethodsPerFile / 2:D2}}.{{MethodName(index - 5)}}(x, y * {{c1}});
                            return v * v + Math.Exp(-x * x) * {{c2}};
                        }

                    """);
                break;
        }
    }
}
