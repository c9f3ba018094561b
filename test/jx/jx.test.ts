// JX: a table of expressions and what they evaluate to (or the error and where it points), the seed examples
// of the dot operator, and the bounds that keep a query from hanging the process that evaluates it.
import assert from 'node:assert/strict';
import { evaluateJx, compileFilter, JxError, jxToString, parseJx, type JxObject } from '../../lib/jx/index.js';

const context: JxObject = {
  x: 10, y: 20, f: 0.5, name: 'cms-analysis', path: '/data/run/out.root',
  list: [100, 200, 300], obj: { house: 'home', n: 3 },
  tasks: [
    { id: 1, category: 'fib', result: 'success', wall: 1.5 },
    { id: 2, category: 'io', result: 'exception', wall: 0.2 },
    { id: 3, category: 'fib', result: 'exception', wall: 3.0 },
  ],
};

const values: [string, unknown][] = [
  // The four seed examples of the dot operator.
  ['[1,2,3,4].len()', 4],
  ['"abc".like("a.+")', true],
  ['"ceil(%f) -> %d".format(9.1, 10)', 'ceil(9.1) -> 10'],
  ['[{"a": 1}, {"a": 2}].select(a>0).project(a).len()', 2],
  // JSON literals evaluate to themselves.
  ['{"a": [1, 2.5, "s", true, false, null], "b": {}}', { a: [1, 2.5, 's', true, false, null], b: {} }],
  ['"tab\\there \\u00e9"', 'tab\there é'],
  ["'single'", 'single'],
  // Precedence and associativity.
  ['1 + 2 * 3', 7],
  ['(1 + 2) * 3', 9],
  ['10 - 4 - 3', 3],
  ['2 * 3 % 4', 2],
  ['-2 * 3', -6],
  ['- x + 1', -9],
  ['1 + 2 == 3', true],
  ['1 < 2 and 3 < 2 or true', true],
  ['true or false and false', true],
  ['not true or true', true],
  ['not 1 == 2', true],
  ['not not true', true],
  ['1 < 2 == true', true],
  // Arithmetic: integers stay integers, division of integers truncates, floats mix in.
  ['7 / 2', 3],
  ['-7 / 2', -3],
  ['7.5 / 2', 3.75],
  ['7 % 3', 1],
  ['-7 % 3', -1],
  ['5.5 % 2', 1.5],
  ['x * f', 5],
  ['1e3 + 1', 1001],
  ['+x', 10],
  // Strings and lists.
  ['"a" + "b"', 'ab'],
  ['"file" + 3 + ".txt"', 'file3.txt'],
  ['[1] + [2, 3]', [1, 2, 3]],
  ['"abc" < "abd"', true],
  ['[1, [2]] == [1, [2]]', true],
  ['{"a": 1} == {"a": 1}', true],
  ['1 == "1"', false],
  ['1 != "1"', true],
  ['null == null', true],
  ['1 == 1.0', true],
  // Lookup and slicing.
  ['list[0]', 100],
  ['list[-1]', 300],
  ['obj["house"]', 'home'],
  ['obj.house', 'home'],
  ['range(10)[:3]', [0, 1, 2]],
  ['range(10)[4:]', [4, 5, 6, 7, 8, 9]],
  ['range(10)[3:7]', [3, 4, 5, 6]],
  ['range(10)[-2:]', [8, 9]],
  ['range(10)[7:3]', []],
  ['range(10)[:]', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
  ['"hello"[1:3]', 'el'],
  ['"hello"[0]', 'h'],
  // Comprehensions, nested and filtered, and items spliced among others.
  ['[x*2 for x in range(5) if x>1]', [4, 6, 8]],
  ['[x + x for x in ["a", "b", "c"]]', ['aa', 'bb', 'cc']],
  ['[i for i in range(10) if i%2 == 0]', [0, 2, 4, 6, 8]],
  ['[[i, j] for i in range(3) for j in range(3) if i < j]', [[0, 1], [0, 2], [1, 2]]],
  ['[[i, j] for i in range(3) if i > 0 for j in range(i)]', [[1, 0], [2, 0], [2, 1]]],
  ['[0, x for x in range(1, 3), 9]', [0, 1, 2, 9]],
  ['[x for x in list]', [100, 200, 300]],
  ['[y for x in range(2)]', [20, 20]],
  ['[[x for x in range(y)] for y in range(3)]', [[], [0], [0, 1]]],
  // The function library.
  ['range(3, 7)', [3, 4, 5, 6]],
  ['range(7, 3)', []],
  ['range(-1, 10, 2)', [-1, 1, 3, 5, 7, 9]],
  ['range(5, 0, -1)', [5, 4, 3, 2, 1]],
  ['format("file%d.txt", 10)', 'file10.txt'],
  ['format("SM%s_%d.sam", "10001", 23)', 'SM10001_23.sam'],
  ['format("%5.2f|%-4d|%03d|%e|%g|%g|%%", 3.14159, 7, 5, 12345.678, 100000, 0.5)', ' 3.14|7   |005|1.234568e+04|100000|0.5|%'],
  ['format("%s", [1, 2])', '[1, 2]'],
  ['join(["a", "b", "c"], ",")', 'a,b,c'],
  ['["a", "b"].join()', 'a b'],
  ['len("abc")', 3],
  ['len({"a": 1})', 1],
  ['like("test", ".es.*")', true],
  ['name.like("^cms")', true],
  ['name.like("^atlas")', false],
  ['keys(obj)', ['house', 'n']],
  ['values(obj)', ['home', 3]],
  ['items(obj)', [['house', 'home'], ['n', 3]]],
  ['min([3, 1, 2])', 1],
  ['max(3, 1, 2)', 3],
  ['max(["b", "a"])', 'b'],
  ['min([])', null],
  ['ceil(9.1)', 10],
  ['floor(-9.1)', -10],
  ['basename(path)', 'out.root'],
  ['basename(path, ".root")', 'out'],
  ['dirname(path)', '/data/run'],
  ['dirname("file")', '.'],
  ['str(12)', '12'],
  ['sum([1, 2, 3.5])', 6.5],
  ['schema({"x": 0, "y": "test", "z": 1.5})', { x: 'integer', y: 'string', z: 'float' }],
  ['template("file{x}.txt")', 'file10.txt'],
  ['template("SM{P}_{ID}.sam", {"P": "10001", "ID": 48/2 - 1})', 'SM10001_23.sam'],
  ['tasks.select(result=="exception").project(category)', ['io', 'fib']],
  ['tasks.where(wall > 1).project(id)', [1, 3]],
  ['tasks.select(category == name[0:0] + "fib").len()', 2],
  ['tasks.project([id, wall * 2])', [[1, 3], [2, 0.4], [3, 6]]],
  ['tasks.select(result == "exception").project(wall).sum()', 3.2],
  ['select(tasks, id > x - 9).project(id)', [2, 3]],
  // Comments.
  ['10 + 20  # a comment', 30],
  ['[1, # one\n 2]', [1, 2]],
];

const errors: [string, RegExp, string][] = [
  // [expression, message, line:col]
  ['1 +', /expected a value, got the end of the input/, '1:4'],
  ['[1, 2', /expected "," or "]" in the list, got the end of the input/, '1:6'],
  ['{"a" 1}', /expected ":" after the key, got the number 1/, '1:6'],
  ['1 = 2', /expected == for comparison/, '1:3'],
  ['"abc', /expected the closing "/, '1:1'],
  ['1 2', /expected an operator or the end of the expression, got the number 2/, '1:3'],
  ['x.', /expected a function or field name after "."/, '1:3'],
  ['(1)(2)', /only a function name can be called/, '1:4'],
  ['[x for in range(3)]', /expected a variable name after "for"/, '1:8'],
  ['[x for x range(3)]', /expected "in" after the variable/, '1:10'],
  ['1 +\n  2 +\n   nope', /undefined symbol nope/, '3:4'],
  ['x + "a" * 2', /mismatched types: \* needs two numbers/, '1:9'],
  ['1 / 0', /division by zero/, '1:3'],
  ['1 % 0', /division by zero/, '1:3'],
  ['"a" < 1', /mismatched types: < compares two numbers or two strings/, '1:5'],
  ['1 and true', /expected a boolean on the left of and, got integer 1/, '1:1'],
  ['not 3', /expected a boolean after not/, '1:1'],
  ['list[3]', /range error: index 3 is outside a list of length 3/, '1:5'],
  ['obj["nope"]', /key not found/, '1:4'],
  ['obj.nope', /key not found/, '1:5'],
  ['list["a"]', /expected an integer index/, '1:5'],
  ['nofunc(1)', /undefined function nofunc/, '1:1'],
  ['len(1, 2)', /len takes 1 argument/, '1:1'],
  ['range(0, 5, 0)', /range step must not be 0/, '1:1'],
  ['range(1.5)', /range expected integers/, '1:1'],
  ['format("%d", "a")', /%d needs a number/, '1:1'],
  ['format("%d %d", 1)', /has no argument/, '1:1'],
  ['format("%q", 1)', /expected a specifier/, '1:1'],
  ['"a".like("(")', /cannot compile the regular expression/, '1:5'],
  ['tasks.select(wall)', /select expected a boolean condition, got float 1.5/, '1:14'],
  ['[1, 2].select(a > 0)', /select expected objects in the list, got integer 1/, '1:8'],
  ['[x for x in 5]', /expected a list after "in", got integer 5/, '1:13'],
  ['[x for x in range(3) if x]', /expected a boolean after "if"/, '1:25'],
  ['{1: 2}', /expected a string as an object key/, '1:2'],
  ['join([1], ",")', /join expected a string at index 0/, '1:1'],
  ['1e308 * 10', /arithmetic error/, '1:7'],
];

describe('JX', function () {
  describe('evaluates', function () {
    for (const [expr, expected] of values) {
      it(`${expr.replace(/\n/g, '\\n')} → ${JSON.stringify(expected)}`, function () {
        // Compare as plain JSON: objects made by expressions have no prototype.
        assert.deepEqual(JSON.parse(JSON.stringify(evaluateJx(expr, context))), expected);
      });
    }
  });

  describe('reports errors with their position', function () {
    for (const [expr, message, at] of errors) {
      it(`${expr.replace(/\n/g, '\\n')} → ${at} ${message.source}`, function () {
        assert.throws(() => evaluateJx(expr, context), (err: unknown) => {
          assert.ok(err instanceof JxError, `expected a JxError, got ${String(err)}`);
          assert.match(err.message, message);
          assert.equal(err.located.split(': ')[0], at);
          return true;
        });
      });
    }

    it('shows the line and a caret under the column', function () {
      try {
        evaluateJx('1 +\n  2 * foo', context);
        assert.fail('expected an error');
      } catch (err) {
        assert.ok(err instanceof JxError);
        assert.equal(err.display(), '2:7: undefined symbol foo\n    2 * foo\n        ^');
      }
    });

    it('says when text only ended early (more input may complete it)', function () {
      for (const text of ['[1, 2', '{"a": ', 'f(1,', '"abc']) {
        assert.throws(() => parseJx(text), (err: JxError) => err.atEnd, text);
      }
      assert.throws(() => parseJx('[1 2]'), (err: JxError) => !err.atEnd);
    });
  });

  describe('is bounded', function () {
    it('stops a long computation at the step limit', function () {
      assert.throws(() => evaluateJx('[[x * y for x in range(1000)] for y in range(1000)]', null, { maxSteps: 100_000 }),
        (err: JxError) => err.kind === 'limit' && /step limit/.test(err.message));
    });
    it('stops a huge value at the size limit before making it', function () {
      assert.throws(() => evaluateJx('range(1000000000000)'), (err: JxError) => err.kind === 'limit' && /size limit/.test(err.message));
      assert.throws(() => evaluateJx('[range(100000) for x in range(1000)]', null, { maxSize: 1_000_000 }),
        (err: JxError) => err.kind === 'limit' && /size limit/.test(err.message));
    });
    it('refuses deeply nested text instead of overflowing the stack', function () {
      const deep = '['.repeat(30_000) + ']'.repeat(30_000);
      assert.throws(() => parseJx(deep), (err: JxError) => err.kind === 'limit' && /levels of nesting/.test(err.message));
      assert.throws(() => parseJx('-'.repeat(60_000) + '1'), (err: JxError) => err.kind === 'limit');
      assert.throws(() => parseJx('not '.repeat(16_000) + 'true'), (err: JxError) => err.kind === 'limit');
    });
    it('refuses over-long text', function () {
      assert.throws(() => parseJx('1+'.repeat(50_000) + '1'), (err: JxError) => err.kind === 'limit' && /at most 65536 characters/.test(err.message));
    });
    it('matches regular expressions in linear time (no catastrophic backtracking)', function () {
      assert.equal(evaluateJx('"' + 'a'.repeat(5000) + '!".like("^(a+)+$")'), false);
    });
    it('does not reach the prototype of the context or of made objects', function () {
      assert.throws(() => evaluateJx('constructor', {}), /undefined symbol constructor/);
      assert.throws(() => evaluateJx('{}["__proto__"]'), /key not found/);
      assert.deepEqual(Object.keys(evaluateJx('{"__proto__": 1}') as object), ['__proto__']);
    });
  });

  describe('filters records as catalogs and managers do', function () {
    it('keeps the records where the condition is true and skips those where it fails', function () {
      const filter = compileFilter('project.like("cms.*") and tasks_waiting > 0');
      const records: JxObject[] = [
        { project: 'cms-a', tasks_waiting: 3 },
        { project: 'cms-b', tasks_waiting: 0 },
        { project: 'atlas', tasks_waiting: 9 },
        { name: 'no project field' },
      ];
      assert.deepEqual(filter(records).map((r) => r.project), ['cms-a']);
    });
    it('prints values as JX text', function () {
      assert.equal(jxToString(evaluateJx('{"a": [1, "b", null]}')), '{"a": [1, "b", null]}');
    });
  });
});
