using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;

namespace AutoDiffGen.Generator.Tests;

/// <summary>
/// One test (at least) per diagnostic the generator reports from source: the ID, the exact message and the exact
/// location (span and file). Then the negative side: valid code reports nothing and compiles cleanly, and half-typed
/// code reports nothing at all.
/// </summary>
/// <remarks>
/// Sources are built with the helpers under "sources" (<see cref="ClassWithMethod"/>, <see cref="MethodWithBody"/>,
/// <see cref="ClassC"/>), so that each test shows only the declaration or statements it is about; <c>[|...|]</c> marks
/// where the diagnostic must point.
/// </remarks>
public class DiagnosticTests
{
    private const string Advice0005 =
        "a [Differentiable] method takes double, float, their arrays and read-only spans, and other value types (as constants), all passed by value";

    private const string Advice0012 =
        "is neither [Differentiable] nor has a known derivative; mark it [Differentiable] (it must be static), or compute the value outside and pass it as a [NoDerivative] parameter";

    private const string Advice0014 =
        "a [Differentiable] method may assign only its locals, its scalar parameters and elements of its local arrays: copy the data into a local array first";

    private const string TryStatementMessage =
        "a try statement is not supported in a [Differentiable] method; handle errors in the caller";

    private const string LockStatementMessage =
        "a lock statement is not supported in a [Differentiable] method; a [Differentiable] method works on its arguments only";

    private const string ConstantResultMessage =
        "The result of 'F' does not depend on any differentiable parameter, so its gradient is always zero";

    /// <summary>The declaration of a valid [Differentiable] method, for tests about something other than the method.</summary>
    private const string SquareF = "double F(double x) => x * x;";

    // ---- ADG0001 ----

    [Fact]
    public void Instance_method_reports_ADG0001_on_its_name()
    {
        ExpectRejected(
            SourceWith("public partial class C", "[Differentiable]\npublic double [|F|](double x) => x * x;"),
            "ADG0001",
            "'F' must be static to be [Differentiable]; make it static and pass what it reads as parameters");
    }

    // ---- ADG0002 ----

    [Fact]
    public void Class_that_is_not_partial_reports_ADG0002_on_the_class_name()
    {
        ExpectRejected(
            SourceWith("public static class [|C|]", Differentiable(SquareF)),
            "ADG0002",
            "'F' is declared in 'C', which is not partial; add the partial modifier to 'C' so that the generator can add FGradient and FPullback to it");
    }

    [Fact]
    public void Outer_class_that_is_not_partial_reports_ADG0002_on_the_outer_name()
    {
        ExpectSingle(
            SourceWith("public class [|Outer|]", TypeWith("public static partial class Inner", Differentiable(SquareF))),
            "ADG0002",
            "'F' is declared in 'Outer', which is not partial; add the partial modifier to 'Outer' so that the generator can add FGradient and FPullback to it");
    }

    [Fact]
    public void Static_method_of_a_partial_interface_is_differentiated()
    {
        // Interfaces may declare static methods with bodies, and a partial interface can take the generated ones.
        GeneratorRun run = RunClean(SourceWith("public partial interface I", "[Differentiable]\nstatic double F(double x) => x * x;"));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationProblems);
        Assert.Contains("partial interface I", run.GeneratedSource("I.F.g.cs"), System.StringComparison.Ordinal);
    }

    // ---- ADG0003 ----

    [Theory]
    [InlineData("int", "(int)x")]
    [InlineData("decimal", "(decimal)x")]
    [InlineData("bool", "x > 0")]
    public void Return_type_other_than_double_or_float_reports_ADG0003_on_the_return_type(string returnType, string expression)
    {
        ExpectRejected(
            ClassWithMethod($"[|{returnType}|] F(double x) => {expression};"),
            "ADG0003",
            $"'F' returns '{returnType}'; a [Differentiable] method must return double or float");
    }

    [Fact]
    public void Void_method_reports_ADG0003_on_the_return_type()
    {
        ExpectSingle(
            ClassWithMethod("[|void|] F(double x) { }"),
            "ADG0003",
            "'F' returns 'void'; a [Differentiable] method must return double or float");
    }

    [Fact]
    public void Ref_return_reports_ADG0003_naming_the_ref_return_type()
    {
        // "returns 'double'; ... must return double or float" would contradict itself: the message must show the ref.
        ExpectSingle(
            ClassWithMethod("[|ref double|] F(double[] a) => ref a[0];"),
            "ADG0003",
            "'F' returns 'ref double'; a [Differentiable] method must return double or float");
    }

    // ---- ADG0004 ----

    [Fact]
    public void Generic_method_reports_ADG0004_on_its_name()
    {
        ExpectRejected(
            ClassWithMethod("double [|F|]<T>(double x) => x * x;"),
            "ADG0004",
            "'F' has type parameters; a [Differentiable] method cannot be generic: write it for double or float");
    }

    // ---- ADG0005 ----

    [Theory]
    [InlineData("ref", "=> x * y;")]
    [InlineData("out", "{ y = x; return x; }")]
    [InlineData("in", "=> x * y;")]
    [InlineData("ref readonly", "=> x * y;")]
    public void Parameter_passed_by_reference_reports_ADG0005_on_the_parameter(string modifier, string body)
    {
        ExpectRejected(
            ClassWithMethod($"double F(double x, {modifier} double [|y|]) {body}"),
            "ADG0005",
            $"Parameter 'y' of 'F' has type 'double' and is passed by '{modifier}'; {Advice0005}");
    }

    [Fact]
    public void Reference_type_parameter_reports_ADG0005_on_the_parameter()
    {
        // A string is neither double, float, an array or read-only span of them, nor a value type.
        ExpectSingle(
            ClassWithMethod("double F(double x, string [|label|]) => x * x;"),
            "ADG0005",
            $"Parameter 'label' of 'F' has type 'string'; {Advice0005}");
    }

    // ---- ADG0006 ----

    [Fact]
    public void Extern_method_reports_ADG0006_on_its_name()
    {
        ExpectRejected(
            ClassWithMethod("extern double [|F|](double x);"),
            "ADG0006",
            "'F' has no body to differentiate; give it a block or expression body");
    }

    [Fact]
    public void Partial_method_marked_on_its_declaration_is_differentiated_from_its_implementation()
    {
        GeneratorRun run = RunClean(ClassC(
            Differentiable("partial double F(double x);"),
            "public static partial double F(double x) => x * x;"));
        AssertNoDiagnostics(run);
        Assert.Single(run.HintNames);
        Assert.Empty(run.CompilationProblems);
    }

    // ---- ADG0007 ----

    [Fact]
    public void Existing_member_named_FGradient_reports_ADG0007_on_the_method_name()
    {
        ExpectRejected(
            ClassWithMethod("double [|F|](double x) => x * x;", otherMembers: "public static int FGradient;"),
            "ADG0007",
            "'C' already has a member named 'FGradient', which the generator needs for the gradient of 'F'; rename that member");
    }

    [Fact]
    public void Existing_method_named_FPullback_reports_ADG0007_on_the_method_name()
    {
        ExpectSingle(
            ClassWithMethod("double [|F|](double x) => x * x;", otherMembers: "public static void FPullback() { }"),
            "ADG0007",
            "'C' already has a member named 'FPullback', which the generator needs for the gradient of 'F'; rename that member");
    }

    [Fact]
    public void User_member_named_like_the_private_core_method_does_not_break_the_generated_code()
    {
        // FValueAndPullback is the generator's private helper: either it picks another name or it reports ADG0007,
        // but it must not emit a second definition of a member the user already has.
        GeneratorRun run = RunClean(ClassWithMethod(SquareF, otherMembers: "public static int FValueAndPullback;"));
        Assert.All(run.GeneratorDiagnostics, d => Assert.Equal("ADG0007", d.Id));
        Assert.Empty(run.CompilationProblems);
    }

    // ---- ADG0010 ----

    public static TheoryData<string, string, string> UnsupportedStatements => new()
    {
        {
            "try",
            "[|try { y = x * x; } finally { y = y + 1; }|]",
            TryStatementMessage
        },
        {
            "switch",
            "[|switch ((int)x) { case 1: y = x; break; default: y = 2 * x; break; }|]",
            "a switch statement is not supported in a [Differentiable] method; use if and else"
        },
        {
            "throw",
            "if (x < 0) [|throw new ArgumentOutOfRangeException(nameof(x));|]",
            "a throw statement is not supported in a [Differentiable] method; validate the arguments before calling the [Differentiable] method"
        },
        {
            "lock",
            "[|lock (typeof(C)) { y = x * x; }|]",
            LockStatementMessage
        },
        {
            "using statement",
            "[|using (var stream = new System.IO.MemoryStream()) { y = x * x; }|]",
            "a using statement is not supported in a [Differentiable] method; a [Differentiable] method works on its arguments only"
        },
        {
            "using declaration",
            "[|using var stream = new System.IO.MemoryStream();|]",
            "a using statement is not supported in a [Differentiable] method; a [Differentiable] method works on its arguments only"
        },
        {
            "discarded call",
            "[|Math.Sin(x)|];",
            "a call whose result is discarded ('Math.Sin(double)') is not supported in a [Differentiable] method; a [Differentiable] method computes its result from its inputs only; remove the call or use its value"
        },
        {
            "array initializer",
            "double[] values = [|{ x, 2 * x }|];",
            "an array local that is not created with 'new T[length]' is not supported in a [Differentiable] method; create local arrays with 'new double[n]' and fill them element by element"
        },
        {
            "string local",
            "string [|label = \"x\"|];",
            "a local of type 'string' is not supported in a [Differentiable] method; locals must be double, float, int, long, bool or an array of those"
        },
    };

    [Theory]
    [MemberData(nameof(UnsupportedStatements))]
    public void Unsupported_statement_reports_ADG0010_on_the_statement(string construct, string markedStatement, string message)
    {
        Assert.NotEmpty(construct);
        ExpectRejected(MethodWithBody($"double y = x;\n{markedStatement}\nreturn y;"), "ADG0010", message);
    }

    // ---- tensors (ADG0010, ADG0012) ----

    private const string TensorLocalAdvice =
        "create it with 'new Tensor(rows, columns)', 'Tensor.Zeros', 'Tensor.ZerosLike' or a call to a [Differentiable] method; two locals must not share one tensor";

    public static TheoryData<string, string, string, string> UnsupportedTensorCode => new()
    {
        {
            "a tensor local declared in a loop",
            "Tensor F(Tensor x)",
            "Tensor y = Tensor.ZerosLike(x);\nfor (int i = 0; i < 2; i++)\n{\n    Tensor [|t = Tensor.ZerosLike(x)|];\n    y[i] = x[i] + t[i];\n}\nreturn y;",
            "a tensor local declared inside a branch or loop is not supported in a [Differentiable] method; declare tensor locals at the top level of the method body and fill their elements inside loops"
        },
        {
            "a whole tensor assigned again",
            "Tensor F(Tensor x)",
            "Tensor y = Tensor.ZerosLike(x);\n[|y = Tensor.ZerosLike(x)|];\nreturn y;",
            "assigning a whole tensor local after its declaration is not supported in a [Differentiable] method; give each tensor value a local of its own, or assign its elements"
        },
        {
            "a tensor local that aliases another",
            "Tensor F(Tensor x)",
            "Tensor y = Tensor.ZerosLike(x);\nTensor z = [|y|];\nreturn z;",
            "a tensor local initialized with something other than a new tensor or a call is not supported in a [Differentiable] method; " + TensorLocalAdvice
        },
        {
            "a return inside a branch",
            "Tensor F(Tensor x)",
            "Tensor y = Tensor.ZerosLike(x);\nif (x.Rows > 1)\n{\n    [|return y;|]\n}\nreturn y;",
            "a return inside a branch or loop of a method that returns a tensor is not supported in a [Differentiable] method; compute the result into one tensor local and return it in the method's last statement"
        },
        {
            "a tensor parameter returned",
            "Tensor F(Tensor x)",
            "[|return x;|]",
            "returning a tensor parameter is not supported in a [Differentiable] method; return a new tensor: the result must not share storage with an argument"
        },
        {
            "a tensor-valued call in a loop",
            "float F(Tensor x)",
            "float s = 0f;\nfor (int i = 0; i < 2; i++)\n{\n    s += Losses.MeanSquaredError([|Activations.Relu(x)|], x);\n}\nreturn s;",
            "a call that returns a tensor inside a branch or loop (the argument for 'predictions') is not supported in a [Differentiable] method; call it at the top level of the method body and keep its result in a local"
        },
    };

    [Theory]
    [MemberData(nameof(UnsupportedTensorCode))]
    public void Unsupported_tensor_code_reports_ADG0010_where_it_is(string construct, string signature, string markedBody, string message)
    {
        Assert.NotEmpty(construct);
        ExpectRejected(TensorSource(Differentiable(Block(signature, markedBody))), "ADG0010", message);
    }

    [Fact]
    public void Tensor_valued_call_without_a_derivative_reports_ADG0012()
    {
        ExpectRejected(
            TensorSource("public static Tensor Helper(Tensor t) => Tensor.ZerosLike(t);", Differentiable(Block("Tensor F(Tensor x)", "Tensor y = [|Helper(x)|];\nreturn y;"))),
            "ADG0012",
            "'C.Helper(Tensor)' " + Advice0012);
    }

    [Fact]
    public void Tensor_code_within_the_rules_compiles_cleanly()
    {
        ExpectCleanGradients(
            TensorSource(
                Differentiable(Block("Tensor Scale(Tensor x, float factor)", "Tensor y = new Tensor(x.Rows, x.Columns);\nfor (int r = 0; r < x.Rows; r++)\n{\n    for (int c = 0; c < x.Columns; c++)\n    {\n        y[r, c] = factor * x[r, c];\n    }\n}\nreturn y;")),
                Differentiable("float Loss(Tensor w, [NoDerivative] Tensor x) => Losses.MeanSquaredError(Activations.Relu(Scale(w, 2f)), x);")),
            "C.Loss.g.cs", "C.Scale.g.cs");
    }

    /// <summary>A test file that uses the runtime's tensors, layers and losses, with class C holding <paramref name="members"/>.</summary>
    private static string TensorSource(params string[] members) =>
        "using AutoDiffGen.NeuralNetworks;\nusing AutoDiffGen.Tensors;\n" + ClassC(members);

    [Fact]
    public void Goto_reports_ADG0010_on_the_goto_statement_and_on_the_label()
    {
        (string source, TextSpan[] spans) = ParseSpans(MethodWithBody("""
            double y = x;
            if (x > 1) [|goto done;|]
            y = y * x;
            [|done: return y;|]
            """));
        GeneratorRun run = RunClean(source);
        Assert.Equal(2, run.GeneratorDiagnostics.Length);
        AssertDiagnosticAt(run, "ADG0010", spans[0],
            "a goto statement is not supported in a [Differentiable] method; use structured control flow: if, loops, break and continue");
        AssertDiagnosticAt(run, "ADG0010", spans[1],
            "a labeled statement is not supported in a [Differentiable] method; use structured control flow: if, loops, break and continue");
        Assert.Empty(run.HintNames);
    }

    [Fact]
    public void Local_function_reports_ADG0010_on_its_declaration()
    {
        (string source, TextSpan span) = Markup.Parse(MethodWithBody("[|static double Square(double v) => v * v;|]\nreturn Square(x);"));
        GeneratorRun run = RunClean(source);
        AssertDiagnosticAt(run, "ADG0010", span,
            "a local function is not supported in a [Differentiable] method; make it a static [Differentiable] method of its own");
        Assert.Single(run.GeneratorDiagnostics, d => d.Id == "ADG0010");
        Assert.Empty(run.HintNames);
    }

    [Fact]
    public void Unsafe_block_reports_ADG0010_on_the_block()
    {
        (string source, TextSpan span) = Markup.Parse(MethodWithBody("double y = x;\n[|unsafe { y = y * x; }|]\nreturn y;"));
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(source);
        compilation = compilation.WithOptions(compilation.Options.WithAllowUnsafe(true));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        GeneratorRun run = GeneratorHarness.Run(compilation);
        Assert.Null(run.Result.Exception);
        AssertSingleDiagnostic(run, "ADG0010", span,
            "an unsafe block is not supported in a [Differentiable] method; move pointer code into a method that is not [Differentiable]");
        Assert.Empty(run.HintNames);
    }

    // ---- ADG0011 ----

    public static TheoryData<string, string, string> UnsupportedExpressions => new()
    {
        {
            "assignment inside an expression",
            "return [|y = x * x|];",
            "The expression 'y = x * x' cannot be differentiated: an assignment inside an expression; make it a statement of its own"
        },
        {
            "switch expression",
            "return [|x switch { > 0 => x, _ => -x }|];",
            "The expression 'x switch { > 0 => x, _ => -x }' cannot be differentiated: this kind of expression is not supported"
        },
        {
            "conversion to decimal",
            "return (double)[|(decimal)x|];",
            "The expression '(decimal)x' cannot be differentiated: only conversions between double, float, int and long are supported"
        },
        {
            "array created inside an expression",
            "return [|new double[2]|].Length * x;",
            "The expression 'new double[2]' cannot be differentiated: arrays can be created only as the initial value of a local, as 'double[] a = new double[n]'"
        },
    };

    [Theory]
    [MemberData(nameof(UnsupportedExpressions))]
    public void Unsupported_expression_reports_ADG0011_on_the_expression(string construct, string markedStatement, string message)
    {
        Assert.NotEmpty(construct);
        ExpectRejected(MethodWithBody($"double y = x;\n{markedStatement}"), "ADG0011", message);
    }

    [Fact]
    public void Multi_line_expression_is_quoted_by_its_first_line_in_ADG0011()
    {
        ExpectSingle(
            MethodWithBody("""
                return [|x switch
                {
                    > 0 => x,
                    _ => -x,
                }|];
                """),
            "ADG0011",
            "The expression 'x switch ...' cannot be differentiated: this kind of expression is not supported");
    }

    // ---- ADG0012 ----

    [Fact]
    public void Call_to_a_method_that_is_not_differentiable_reports_ADG0012_on_the_call()
    {
        ExpectRejected(
            ClassWithMethod("double F(double x) => x * [|Helper(x)|];", otherMembers: "public static double Helper(double x) => x + 1;"),
            "ADG0012",
            $"'C.Helper(double)' {Advice0012}");
    }

    [Fact]
    public void Call_to_a_Math_function_without_a_derivative_rule_reports_ADG0012_on_the_call()
    {
        ExpectSingle(
            ClassWithMethod("double F(double x) => 2 * [|Math.IEEERemainder(x, 3)|];"),
            "ADG0012",
            $"'Math.IEEERemainder(double, double)' {Advice0012}");
    }

    // ---- ADG0013 ----

    [Fact]
    public void Recursive_call_reports_ADG0013_on_the_call()
    {
        ExpectRejected(
            ClassWithMethod("double F(double x) => x < 1 ? x : x * [|F(x - 1)|];"),
            "ADG0013",
            "'F' calls itself; recursion is not supported in a [Differentiable] method: rewrite it as a loop");
    }

    // ---- ADG0014 ----

    [Fact]
    public void Field_write_reports_ADG0014_on_the_field()
    {
        ExpectRejected(
            MethodWithBody("[|s_last|] = x;\nreturn x * x;", otherMembers: "private static double s_last;"),
            "ADG0014",
            $"'F' assigns 's_last', which is a field or property; {Advice0014}");
    }

    [Fact]
    public void Compound_assignment_to_a_property_reports_ADG0014_on_the_property()
    {
        ExpectSingle(
            MethodWithBody("[|Total|] += x;\nreturn x * x;", otherMembers: "public static double Total { get; set; }"),
            "ADG0014",
            $"'F' assigns 'Total', which is a field or property; {Advice0014}");
    }

    [Fact]
    public void Parameter_array_element_write_reports_ADG0014_on_the_element()
    {
        ExpectRejected(
            MethodWithBody("[|values[0]|] = 2 * values[1];\nreturn values[0] * values[1];", "double F(double[] values)"),
            "ADG0014",
            $"'F' assigns 'values[0]', which is an element of a parameter; {Advice0014}");
    }

    [Fact]
    public void Parameter_array_increment_reports_ADG0014_on_the_element()
    {
        ExpectSingle(
            MethodWithBody("[|values[1]|]++;\nreturn values[0] * values[1];", "double F(double[] values)"),
            "ADG0014",
            $"'F' assigns 'values[1]', which is an element of a parameter; {Advice0014}");
    }

    [Fact]
    public void Assigning_a_parameter_array_reports_ADG0014_on_the_parameter()
    {
        ExpectSingle(
            MethodWithBody("[|values|] = other;\nreturn values[0];", "double F(double[] values, double[] other)"),
            "ADG0014",
            $"'F' assigns 'values', which is a parameter array or span; {Advice0014}");
    }

    // ---- ADG0015 ----

    private const string LibrarySource = """
        using AutoDiffGen;

        namespace Lib
        {
            public static partial class Shapes
            {
                [Differentiable]
                public static double Square(double x) => x * x;
            }
        }
        """;

    /// <summary>An application whose F calls the library's Square; the call is marked.</summary>
    private static string CallerOfLibrarySquare =>
        "using Lib;\n" + ClassWithMethod("double F(double x) => 3 * [|Shapes.Square(x)|];");

    [Fact]
    public void Differentiable_callee_from_an_assembly_built_without_the_generator_reports_ADG0015_on_the_call()
    {
        MetadataReference library = EmitReference(LibraryCompilation());
        (string source, TextSpan span) = Markup.Parse(CallerOfLibrarySquare);
        GeneratorRun run = RunApp(source, library);
        Assert.Null(run.Result.Exception);
        AssertSingleDiagnostic(run, "ADG0015", span,
            "'Shapes.Square(double)' is [Differentiable], but its type 'Lib.Shapes' has no generated 'SquarePullback'; build the assembly that defines it with the AutoDiffGen generator");
        Assert.Empty(run.HintNames);
    }

    [Fact]
    public void Differentiable_callee_from_an_assembly_built_with_the_generator_is_fine()
    {
        GeneratorRun libraryRun = GeneratorHarness.Run(LibraryCompilation());
        AssertNoDiagnostics(libraryRun);
        MetadataReference library = EmitReference(libraryRun.OutputCompilation);
        GeneratorRun run = RunApp(Markup.Parse(CallerOfLibrarySquare).Source, library);
        AssertCleanGradients(run, "C.F.g.cs");
    }

    // ---- ADG0016 ----

    public static TheoryData<string, string> NonVariableSequenceArguments => new()
    {
        { "new double[] { x, 1 }", "'new double[] { x, 1 }'" },
        { "x > 0 ? weights : other", "'x > 0 ? weights : other'" },
    };

    [Theory]
    [MemberData(nameof(NonVariableSequenceArguments))]
    public void Sequence_argument_that_is_not_a_variable_reports_ADG0016_on_the_argument(string argument, string quoted)
    {
        GeneratorRun run = ExpectSingle(
            ClassC(
                Differentiable(Block("double Sum(double[] values)", """
                    double sum = 0;
                    foreach (double value in values)
                    {
                        sum += value;
                    }
                    return sum;
                    """)),
                Differentiable($"double F(double x, double[] weights, double[] other) => x * Sum([|{argument}|]);")),
            "ADG0016",
            $"The argument {quoted} for parameter 'values' of 'Sum' must be an array or span variable, so that its adjoint can be passed along; store it in a local first");
        Assert.Equal(["C.Sum.g.cs"], run.HintNames);
    }

    // ---- ADG0020 ----

    [Fact]
    public void Constant_result_reports_warning_ADG0020_on_the_name_and_still_generates()
    {
        GeneratorRun run = ExpectSingle(
            MethodWithBody("double y = x * x;\nreturn 2.5;", "double [|F|](double x)"),
            "ADG0020",
            ConstantResultMessage,
            DiagnosticSeverity.Warning);
        Assert.Equal(["C.F.g.cs"], run.HintNames);
        Assert.Empty(run.CompilationProblems);
    }

    [Fact]
    public void Result_that_depends_only_on_NoDerivative_parameters_reports_ADG0020()
    {
        GeneratorRun run = ExpectSingle(
            ClassWithMethod("double [|F|](double x, [NoDerivative] double scale, [NoDerivative] double[] data) => scale * data[0];"),
            "ADG0020",
            ConstantResultMessage,
            DiagnosticSeverity.Warning);
        Assert.Empty(run.CompilationProblems);
    }

    // ---- locations across files and methods ----

    [Fact]
    public void Diagnostic_in_a_second_file_points_into_that_file()
    {
        (string second, TextSpan span) = Markup.Parse(MethodWithBody("[|try { x = x * x; } finally { }|]\nreturn x;", "double G(double x)"));
        GeneratorRun run = RunClean(ClassWithMethod(SquareF), second);
        AssertSingleDiagnostic(run, "ADG0010", span, TryStatementMessage, path: "Source1.cs");
        Assert.Equal(["C.F.g.cs"], run.HintNames);
    }

    [Fact]
    public void Every_problem_in_a_method_is_reported_in_one_run()
    {
        (string source, TextSpan[] spans) = ParseSpans(ClassC(
            "private static double s_last;",
            "public static double Helper(double x) => x;",
            Differentiable(Block("double F(double x)", """
                [|s_last|] = x;
                double y = [|Helper(x)|];
                [|lock (typeof(C)) { y = y * 2; }|]
                return y;
                """))));
        GeneratorRun run = RunClean(source);
        Assert.Equal(3, run.GeneratorDiagnostics.Length);
        AssertDiagnosticAt(run, "ADG0014", spans[0], $"'F' assigns 's_last', which is a field or property; {Advice0014}");
        AssertDiagnosticAt(run, "ADG0012", spans[1], $"'C.Helper(double)' {Advice0012}");
        AssertDiagnosticAt(run, "ADG0010", spans[2], LockStatementMessage);
    }

    // ---- no diagnostics ----

    [Fact]
    public void Valid_methods_report_nothing_and_their_gradients_compile_cleanly()
    {
        ExpectCleanGradients("""
            using System;
            using AutoDiffGen;

            namespace Models
            {
                public static partial class Losses
                {
                    [Differentiable]
                    public static double Huber(double residual, [NoDerivative] double delta)
                    {
                        double a = Math.Abs(residual);
                        if (a <= delta)
                        {
                            return 0.5 * residual * residual;
                        }
                        return delta * (a - 0.5 * delta);
                    }

                    [Differentiable]
                    public static double Mse(double[] predicted, [NoDerivative] double[] expected)
                    {
                        double sum = 0;
                        for (int i = 0; i < predicted.Length; i++)
                        {
                            double d = predicted[i] - expected[i];
                            sum += d * d;
                        }
                        return sum / predicted.Length;
                    }

                    [Differentiable]
                    public static float Softplus(float x) => MathF.Log(1f + MathF.Exp(x));

                    [Differentiable]
                    internal static double Total(double[] predicted, [NoDerivative] double[] expected, double r) =>
                        Mse(predicted, expected) + Huber(r, 1.0);
                }
            }
            """,
            "Models.Losses.Huber.g.cs", "Models.Losses.Mse.g.cs", "Models.Losses.Softplus.g.cs", "Models.Losses.Total.g.cs");
    }

    [Fact]
    public void Int_parameter_used_only_as_a_loop_bound_is_fine()
    {
        ExpectCleanGradients(
            MethodWithBody("""
                double p = 1;
                for (int i = 0; i < n; i++)
                {
                    p *= x;
                }
                return p;
                """, "double Power(double x, int n)"),
            "C.Power.g.cs");
    }

    [Fact]
    public void NoDerivative_parameters_are_fine()
    {
        ExpectCleanGradients(
            MethodWithBody("""
                double s = bias;
                for (int i = 0; i < x.Length; i++)
                {
                    s += weights[i] * x[i] + offsets[i];
                }
                return s;
                """,
                "double Weighted(double[] x, [NoDerivative] double[] weights, [NoDerivative] double bias, [NoDerivative] ReadOnlySpan<double> offsets)"),
            "C.Weighted.g.cs");
    }

    [Fact]
    public void Error_in_one_method_does_not_stop_the_other_methods_of_the_class()
    {
        GeneratorRun run = ExpectSingle(
            ClassC(
                Differentiable("double Square(double x) => x * x;"),
                Differentiable(Block("double Broken(double x)", "[|try { x = Square(x); } finally { }|]\nreturn x;")),
                Differentiable("double Cube(double x) => x * Square(x);")),
            "ADG0010",
            TryStatementMessage);
        Assert.Equal(["C.Cube.g.cs", "C.Square.g.cs"], run.HintNames.OrderBy(h => h, System.StringComparer.Ordinal));
        Assert.Empty(run.CompilationProblems);
    }

    [Fact]
    public void Caller_of_a_method_with_an_error_gets_no_broken_code()
    {
        // Square gets no pullback because of its error, so Outer's gradient cannot call SquarePullback: the generator
        // must not emit a call to a member that will not exist (reporting on the call instead, or skipping Outer).
        (string source, TextSpan span) = Markup.Parse(ClassC(
            Differentiable(Block("double Square(double x)", "[|try { x = x * x; } finally { }|]\nreturn x;")),
            Differentiable("double Outer(double x) => Square(x) + x;")));
        GeneratorRun run = RunClean(source);
        AssertDiagnosticAt(run, "ADG0010", span, TryStatementMessage);
        AssertGeneratedCodeCompiles(run);
    }

    public static TheoryData<string, string> HalfTypedMethods => new()
    {
        { "undefined name", "public static double F(double x) => x * undefinedName;" },
        { "unknown return type", "public static Vector F(double x) => x;" },
        { "unknown parameter type", "public static double F(Vector v, double x) => x;" },
        { "missing operand", "public static double F(double x) => x *;" },
        { "missing semicolon", "public static double F(double x) { double y = x * x return y; }" },
        { "return without a value", "public static double F(double x) { double y = x * x; return; }" },
        { "missing return", "public static double F(double x) { double y = x * x; }" },
        { "not all paths return", "public static double F(double x) { if (x > 0) { return x; } }" },
        { "local declared twice", "public static double F(double x) { double y = x; double y = x * x; return y; }" },
        { "double assigned to int", "public static double F(double x) { int n = 0; n = n + x; return x * n; }" },
        { "method group cast", "public static double F(double x) => x * (double)F;" },
        { "duplicate parameter", "public static double F(double x, double x) => x;" },
    };

    [Theory]
    [MemberData(nameof(HalfTypedMethods))]
    public void Half_typed_method_reports_nothing_and_generates_nothing(string what, string method)
    {
        GeneratorRun run = GeneratorHarness.Run(ClassC("[Differentiable]\n" + method));
        Assert.True(run.InputCompilation.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error), $"The '{what}' case must not compile.");
        Assert.Null(run.Result.Exception);
        AssertNoDiagnostics(run);
        Assert.Empty(run.HintNames);
    }

    [Fact]
    public void Duplicate_method_definitions_do_not_crash_the_generator()
    {
        // Pasting a method twice is an everyday editing state; the compiler reports CS0111 and the generator must stay up.
        GeneratorRun run = GeneratorHarness.Run(ClassC(
            Differentiable(SquareF),
            Differentiable("double F(double y) => y * y;"),
            Differentiable("double G(double x) => 2 * x;")));
        Assert.Null(run.Result.Exception);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id is "ADG0099" or "CS8785");
        Assert.Contains("C.G.g.cs", run.HintNames);
        AssertGeneratedCodeCompiles(run);
    }

    // ---- sources ----

    /// <summary>
    /// A test file: <c>using System;</c> and <c>using AutoDiffGen;</c>, then the type declared by <paramref name="type"/>
    /// (its declaration line, such as <c>public static partial class C</c>) holding <paramref name="members"/>.
    /// </summary>
    private static string SourceWith(string type, params string[] members) =>
        "using System;\nusing AutoDiffGen;\n\n" + TypeWith(type, members);

    /// <summary>The type declared by <paramref name="type"/> with <paramref name="members"/> indented into its body, a blank line apart.</summary>
    private static string TypeWith(string type, params string[] members) =>
        type + "\n{\n" + Indent(string.Join("\n\n", members)) + "\n}";

    /// <summary>A test file declaring <c>public static partial class C</c> with <paramref name="members"/>.</summary>
    private static string ClassC(params string[] members) => SourceWith("public static partial class C", members);

    /// <summary>A [Differentiable] method of class C: <paramref name="declaration"/> is what follows <c>public static</c>.</summary>
    private static string Differentiable(string declaration) => "[Differentiable]\npublic static " + declaration;

    /// <summary>A method declaration: <paramref name="signature"/> and a block body holding <paramref name="statements"/>.</summary>
    private static string Block(string signature, string statements) => signature + "\n{\n" + Indent(statements) + "\n}";

    /// <summary>
    /// A test file whose class C holds <paramref name="otherMembers"/>, if any, and then one [Differentiable] method:
    /// <c>public static</c> followed by <paramref name="declaration"/>.
    /// </summary>
    private static string ClassWithMethod(string declaration, string? otherMembers = null) =>
        otherMembers is null ? ClassC(Differentiable(declaration)) : ClassC(otherMembers, Differentiable(declaration));

    /// <summary>
    /// A test file whose class C holds <paramref name="otherMembers"/>, if any, and then one [Differentiable] method:
    /// <c>public static</c> <paramref name="signature"/> with a block body holding <paramref name="body"/>.
    /// </summary>
    private static string MethodWithBody(string body, string signature = "double F(double x)", string? otherMembers = null) =>
        ClassWithMethod(Block(signature, body), otherMembers);

    private static string Indent(string text) =>
        string.Join("\n", text.Split('\n').Select(line => line.Length == 0 ? line : "    " + line));

    private static CSharpCompilation LibraryCompilation() => GeneratorHarness.CreateCompilation([LibrarySource], null, "Lib");

    /// <summary>Runs the generator on <paramref name="source"/> compiled as the assembly App, referencing <paramref name="library"/>.</summary>
    private static GeneratorRun RunApp(string source, MetadataReference library) =>
        GeneratorHarness.Run(GeneratorHarness.CreateCompilation([source], [library], "App"));

    // ---- helpers ----

    /// <summary>Runs the generator on one marked source and asserts that it reports exactly one diagnostic, as described.</summary>
    private static GeneratorRun ExpectSingle(string markedSource, string id, string message, DiagnosticSeverity severity = DiagnosticSeverity.Error)
    {
        (string source, TextSpan span) = Markup.Parse(markedSource);
        GeneratorRun run = RunClean(source);
        AssertSingleDiagnostic(run, id, span, message, severity);
        return run;
    }

    /// <summary>Like <see cref="ExpectSingle"/>, and asserts that the method gets no generated code.</summary>
    private static void ExpectRejected(string markedSource, string id, string message) =>
        Assert.Empty(ExpectSingle(markedSource, id, message).HintNames);

    /// <summary>
    /// Runs the generator on a valid source and asserts that it reports nothing, generates exactly
    /// <paramref name="hintNames"/> and that everything compiles cleanly.
    /// </summary>
    private static void ExpectCleanGradients(string source, params string[] hintNames) => AssertCleanGradients(RunClean(source), hintNames);

    /// <summary>Runs the generator on sources that are valid C#, so that every diagnostic is the generator's own doing.</summary>
    private static GeneratorRun RunClean(params string[] sources)
    {
        GeneratorRun run = GeneratorHarness.Run(sources);
        Diagnostic[] userErrors = run.InputCompilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(userErrors.Length == 0, "The test source itself does not compile:\n" + string.Join("\n", userErrors.Select(d => d.ToString())));
        Assert.Null(run.Result.Exception);
        return run;
    }

    private static Diagnostic SingleDiagnostic(GeneratorRun run)
    {
        Assert.True(run.GeneratorDiagnostics.Length == 1,
            $"Expected exactly one generator diagnostic, got {run.GeneratorDiagnostics.Length}:\n{Describe(run.GeneratorDiagnostics)}");
        return run.GeneratorDiagnostics[0];
    }

    private static void AssertNoDiagnostics(GeneratorRun run) =>
        Assert.True(run.GeneratorDiagnostics.IsEmpty, "Expected no generator diagnostics, got:\n" + Describe(run.GeneratorDiagnostics));

    /// <summary>
    /// Asserts no generator diagnostics, exactly the generated files <paramref name="hintNames"/> (in ordinal order) and
    /// no errors or warnings in the output compilation.
    /// </summary>
    private static void AssertCleanGradients(GeneratorRun run, params string[] hintNames)
    {
        AssertNoDiagnostics(run);
        Assert.Equal(hintNames, run.HintNames.OrderBy(h => h, System.StringComparer.Ordinal));
        Assert.Empty(run.CompilationProblems);
    }

    /// <summary>Asserts that the run reports exactly one diagnostic, and that it is as described.</summary>
    private static void AssertSingleDiagnostic(
        GeneratorRun run, string id, TextSpan span, string message,
        DiagnosticSeverity severity = DiagnosticSeverity.Error, string path = "Source0.cs") =>
        AssertDiagnostic(run, SingleDiagnostic(run), id, span, message, severity, path);

    /// <summary>Asserts that exactly one diagnostic with <paramref name="id"/> sits at <paramref name="span"/>, with <paramref name="message"/>.</summary>
    private static void AssertDiagnosticAt(GeneratorRun run, string id, TextSpan span, string message)
    {
        Diagnostic[] matches = run.GeneratorDiagnostics.Where(d => d.Id == id && d.Location.SourceSpan == span).ToArray();
        Assert.True(matches.Length == 1,
            $"Expected one {id} at {span} ('{Text(run, span, "Source0.cs")}'), got {matches.Length}. All diagnostics:\n{Describe(run.GeneratorDiagnostics)}");
        AssertDiagnostic(run, matches[0], id, span, message);
    }

    private static void AssertDiagnostic(
        GeneratorRun run, Diagnostic diagnostic, string id, TextSpan span, string message,
        DiagnosticSeverity severity = DiagnosticSeverity.Error, string path = "Source0.cs")
    {
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(message, diagnostic.GetMessage(CultureInfo.InvariantCulture));
        AssertLocation(run, diagnostic, span, path);
    }

    private static void AssertLocation(GeneratorRun run, Diagnostic diagnostic, TextSpan span, string path)
    {
        FileLinePositionSpan where = diagnostic.Location.GetLineSpan();
        Assert.Equal(path, where.Path);
        Assert.True(span == diagnostic.Location.SourceSpan,
            $"Expected the diagnostic on '{Text(run, span, path)}' {span}, but it is on '{Text(run, diagnostic.Location.SourceSpan, path)}' {diagnostic.Location.SourceSpan}.");
        SyntaxTree tree = run.InputCompilation.SyntaxTrees.Single(t => t.FilePath == path);
        Assert.Equal(tree.GetLineSpan(span).Span, where.Span);
    }

    private static string Text(GeneratorRun run, TextSpan span, string path)
    {
        SourceText text = run.InputCompilation.SyntaxTrees.Single(t => t.FilePath == path).GetText();
        return span.End <= text.Length ? text.ToString(span) : "<outside the file>";
    }

    private static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join("\n", diagnostics.Select(d =>
            $"  {d.Id} {d.Severity} at {d.Location.GetLineSpan().Path}{d.Location.SourceSpan}: {d.GetMessage(CultureInfo.InvariantCulture)}"));

    /// <summary>Asserts that no error sits inside a generated file of the output compilation.</summary>
    private static void AssertGeneratedCodeCompiles(GeneratorRun run)
    {
        var generated = new HashSet<string>(run.Result.GeneratedSources.Select(s => s.SyntaxTree.FilePath));
        Diagnostic[] errors = run.OutputCompilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree is { } tree && generated.Contains(tree.FilePath))
            .ToArray();
        Assert.True(errors.Length == 0, "The generated code has errors:\n" + Describe(errors));
    }

    /// <summary>Splits a source with several <c>[|...|]</c> spans, in order, into the plain source and the spans.</summary>
    private static (string Source, TextSpan[] Spans) ParseSpans(string markedSource)
    {
        var spans = new List<TextSpan>();
        string source = markedSource;
        while (source.Contains("[|", System.StringComparison.Ordinal))
        {
            (source, TextSpan span) = Markup.Parse(source);
            spans.Add(span);
        }
        return (source, spans.ToArray());
    }

    private static MetadataReference EmitReference(Compilation compilation)
    {
        using var stream = new MemoryStream();
        EmitResult result = compilation.Emit(stream);
        Assert.True(result.Success, "The library does not compile:\n" + string.Join("\n", result.Diagnostics.Select(d => d.ToString())));
        return MetadataReference.CreateFromImage(stream.ToArray());
    }
}
