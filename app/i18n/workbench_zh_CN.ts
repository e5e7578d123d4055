<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name></name>
    <message>
        <source>nothing to export yet: type something first</source>
        <translation>还没有可导出的内容：请先输入文本</translation>
    </message>
    <message>
        <source>Export figure</source>
        <translation>导出图表</translation>
    </message>
    <message>
        <source>exporting the figure to {path}…</source>
        <translation>正在将图表导出到 {path}…</translation>
    </message>
    <message>
        <source>Attention Workbench trains small sequence models (an RNN encoder-decoder, Bahdanau and Luong attention, the Transformer, decomposable attention and a Transformer classifier for NLI) and shows where their attention goes: every head of every layer at every decoding step, as a heatmap, a grid of heads, lines between tokens, the decoding steps with their candidates and the beam search tree. Type in the box and every keystroke is decoded in the background; click a token anywhere to follow it in every view; select words to keep only their rows or columns; compare two models on the same sentence.</source>
        <translation>Attention Workbench 用于训练小型序列模型（RNN 编码器-解码器、Bahdanau 与 Luong 注意力、Transformer、可分解注意力，以及用于自然语言推理的 Transformer 分类器），并展示它们的注意力落在何处：每个解码步骤中每一层的每个头，以热力图、头网格、词元连线、带候选词的解码步骤以及束搜索树的形式呈现。在输入框中输入，每次按键都会在后台解码；在任意位置点击一个词元，即可在所有视图中跟踪它；选中词语可只保留其对应的行或列；还可以在同一句子上比较两个模型。</translation>
    </message>
    <message>
        <source>Shift+← / →, or drag</source>
        <translation>Shift+← / →，或拖动</translation>
    </message>
    <message>
        <source>in a text box: select words to filter the maps to their tokens</source>
        <translation>在文本框中：选中词语，将注意力图筛选为这些词元</translation>
    </message>
    <message>
        <source>next box or control</source>
        <translation>下一个输入框或控件</translation>
    </message>
    <message>
        <source> or </source>
        <translation> 或 </translation>
    </message>
    <message>
        <source>The decoding-step keys also work while you type in a text box; there, Ctrl+← / → move by words.</source>
        <translation>在文本框中输入时，解码步骤快捷键同样有效；在文本框中，Ctrl+← / → 按词移动光标。</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>{count} in the local cache; others download if the network allows</source>
        <translation>本地缓存中有 {count} 个；其他模型在网络可用时下载</translation>
    </message>
    <message>
        <source>the local Hugging Face cache holds none; a name downloads if the network allows</source>
        <translation>本地 Hugging Face 缓存中没有模型；输入名称后将在网络可用时下载</translation>
    </message>
    <message>
        <source>Open Hugging Face model</source>
        <translation>打开 Hugging Face 模型</translation>
    </message>
    <message>
        <source>Model name (e.g. Helsinki-NLP/opus-mt-en-fr) or folder; {where}:</source>
        <translation>模型名称（例如 Helsinki-NLP/opus-mt-en-fr）或文件夹；{where}：</translation>
    </message>
    <message>
        <source>&amp;Palette</source>
        <translation>配色(&amp;P)</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>&amp;Colour map</source>
        <translation>色图(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Normalisation</source>
        <translation>归一化(&amp;N)</translation>
    </message>
    <message>
        <source>global</source>
        <translation>全局</translation>
    </message>
    <message>
        <source>per row</source>
        <translation>逐行</translation>
    </message>
    <message>
        <source>&amp;Scale</source>
        <translation>刻度(&amp;S)</translation>
    </message>
    <message>
        <source>linear</source>
        <translation>线性</translation>
    </message>
    <message>
        <source>log</source>
        <translation>对数</translation>
    </message>
    <message>
        <source>&amp;Tokens</source>
        <translation>词元(&amp;T)</translation>
    </message>
    <message>
        <source>sub-word pieces</source>
        <translation>子词片段</translation>
    </message>
    <message>
        <source>merged words</source>
        <translation>合并为词</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open checkpoint…</source>
        <translation>打开检查点(&amp;O)…</translation>
    </message>
    <message>
        <source>Export &amp;figure (PDF, SVG, PNG)…</source>
        <translation>导出图表(&amp;F)（PDF、SVG、PNG）…</translation>
    </message>
    <message>
        <source>Export record as &amp;JSON…</source>
        <translation>将记录导出为 &amp;JSON…</translation>
    </message>
    <message>
        <source>Export record as &amp;NPZ…</source>
        <translation>将记录导出为 &amp;NPZ…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts…</source>
        <translation>键盘快捷键(&amp;K)…</translation>
    </message>
    <message>
        <source>&amp;About Attention Workbench</source>
        <translation>关于 Attention Workbench(&amp;A)</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>Open &amp;Hugging Face model…</source>
        <translation>打开 &amp;Hugging Face 模型…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Next head</source>
        <translation>下一个头</translation>
    </message>
    <message>
        <source>Previous head</source>
        <translation>上一个头</translation>
    </message>
    <message>
        <source>Next layer</source>
        <translation>下一层</translation>
    </message>
    <message>
        <source>Previous layer</source>
        <translation>上一层</translation>
    </message>
    <message>
        <source>Next decoding step</source>
        <translation>下一个解码步骤</translation>
    </message>
    <message>
        <source>Previous decoding step</source>
        <translation>上一个解码步骤</translation>
    </message>
    <message>
        <source>Clear the selected token</source>
        <translation>取消选中的词元</translation>
    </message>
    <message>
        <source>Show every token (clear the text filter)</source>
        <translation>显示所有词元（清除文本筛选）</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>跟随系统语言</translation>
    </message>
    <message>
        <source>the interface language changes when the app starts again</source>
        <translation>界面语言将在应用下次启动时更改</translation>
    </message>
    <message>
        <source>no recent checkpoints</source>
        <translation>没有最近打开的检查点</translation>
    </message>
    <message>
        <source>Clear the list</source>
        <translation>清空列表</translation>
    </message>
    <message>
        <source>no beam search: the reference forces the output (clear it to search)</source>
        <translation>没有束搜索：参考译文强制了输出（清空参考译文即可搜索）</translation>
    </message>
    <message>
        <source>no beam search to show (greedy decoding)</source>
        <translation>没有可显示的束搜索（贪心解码）</translation>
    </message>
    <message>
        <source>no beam search to show yet (no translation)</source>
        <translation>暂无可显示的束搜索（尚无译文）</translation>
    </message>
    <message>
        <source>Open a model to begin: pick one on the left, or File ▸ Open checkpoint…</source>
        <translation>打开一个模型以开始：在左侧选择，或使用 文件 ▸ 打开检查点…</translation>
    </message>
    <message>
        <source>: its attention shows here</source>
        <translation>：其注意力将显示在这里</translation>
    </message>
    <message>
        <source>{model} has no attention to show (a fixed-context model)</source>
        <translation>{model} 没有可显示的注意力（固定上下文模型）</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>正在处理…</translation>
    </message>
    <message>
        <source>never seen in the model&apos;s training data</source>
        <translation>模型的训练数据中从未出现过</translation>
    </message>
    <message>
        <source>Click a token to follow it everywhere · select words to filter · Alt+←/→ head · Alt+↑/↓ layer · Esc clears · F1 all keys</source>
        <translation>点击词元可在各处跟踪 · 选中词语可筛选 · Alt+←/→ 切换头 · Alt+↑/↓ 切换层 · Esc 清除 · F1 查看全部快捷键</translation>
    </message>
    <message>
        <source>Click a token to follow it everywhere · select words to filter · Alt+←/→ head · Alt+↑/↓ layer · PgUp/PgDn step · Esc clears · F1 all keys</source>
        <translation>点击词元可在各处跟踪 · 选中词语可筛选 · Alt+←/→ 切换头 · Alt+↑/↓ 切换层 · PgUp/PgDn 切换步骤 · Esc 清除 · F1 查看全部快捷键</translation>
    </message>
    <message>
        <source>⚠ Truncated: the input is longer than this model&apos;s limit of {limit} tokens; only the first {read} were read.</source>
        <translation>⚠ 已截断：输入超过了此模型 {limit} 个词元的上限；只读取了前 {read} 个。</translation>
    </message>
    <message>
        <source>{unknown}, never seen in training (marked)</source>
        <translation>{unknown}，训练中从未出现（已标出）</translation>
    </message>
    <message>
        <source>Forced decoding: the model was made to produce the reference; the maps show where it looked while doing so.</source>
        <translation>强制解码：模型被要求生成参考译文；注意力图显示它在生成时关注的位置。</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>trained on the user&apos;s own files</source>
        <translation>在用户自己的文件上训练</translation>
    </message>
    <message>
        <source>family</source>
        <translation>模型族</translation>
    </message>
    <message>
        <source>task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>input limit</source>
        <translation>输入上限</translation>
    </message>
    <message>
        <source>{count} tokens</source>
        <translation>{count} 个词元</translation>
    </message>
    <message>
        <source>valid</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>test file</source>
        <translation>测试文件</translation>
    </message>
    <message>
        <source>{file}, {count} examples</source>
        <translation>{file}，{count} 个样例</translation>
    </message>
    <message>
        <source>computing {kind}…</source>
        <translation>正在计算{kind}…</translation>
    </message>
    <message>
        <source>no attention flow</source>
        <translation>无法计算注意力流</translation>
    </message>
    <message>
        <source>{failure}: {error}</source>
        <translation>{failure}：{error}</translation>
    </message>
    <message>
        <source>no heads to switch off: {error}</source>
        <translation>没有可关闭的头：{error}</translation>
    </message>
    <message>
        <source>no {kind} heads to switch off in this model</source>
        <translation>此模型中没有可关闭的{kind}头</translation>
    </message>
    <message>
        <source>heads off: {heads}</source>
        <translation>已关闭的头：{heads}</translation>
    </message>
    <message>
        <source>heads off: {heads} · output unchanged</source>
        <translation>已关闭的头：{heads} · 输出未变</translation>
    </message>
    <message>
        <source>heads off: {heads} · output was &apos;{before}&apos;, now &apos;{after}&apos;</source>
        <translation>已关闭的头：{heads} · 输出原为“{before}”，现为“{after}”</translation>
    </message>
    <message>
        <source>the user&apos;s files</source>
        <translation>用户的文件</translation>
    </message>
    <message>
        <source>the text was a sample of {sample}, not of {task}</source>
        <translation>该文本是 {sample} 的样例，而不是 {task} 的</translation>
    </message>
    <message>
        <source>another model</source>
        <translation>另一个模型</translation>
    </message>
    <message>
        <source>{unknown} of its {words} distinct words were never seen in {task}</source>
        <translation>其 {words} 个不同的词中有 {unknown} 个从未在 {task} 中出现</translation>
    </message>
    <message>
        <source>no beam node ({step}, {index}): {error}</source>
        <translation>没有束节点（{step}，{index}）：{error}</translation>
    </message>
    <message>
        <source>beam step {step}, hypothesis {index}: log p {score}</source>
        <translation>束搜索第 {step} 步，假设 {index}：log p {score}</translation>
    </message>
    <message>
        <source>showing only {span}: clear the text selection to see all</source>
        <translation>只显示{span}：清除文本选择即可查看全部</translation>
    </message>
    <message>
        <source>showing every token</source>
        <translation>显示所有词元</translation>
    </message>
    <message>
        <source>{count} unknown word(s)</source>
        <translation>{count} 个未知词</translation>
    </message>
    <message>
        <source>{count} input token(s) read as {unk}</source>
        <translation>{count} 个输入词元被读作 {unk}</translation>
    </message>
    <message>
        <source>test {figures} on {count} examples of {file}</source>
        <translation>测试 {figures}，基于 {file} 的 {count} 个样例</translation>
    </message>
    <message>
        <source>your models already hold a model named &apos;{name}&apos;</source>
        <translation>你的模型中已有名为“{name}”的模型</translation>
    </message>
    <message>
        <source>the run directory {path} already holds a checkpoint</source>
        <translation>运行目录 {path} 中已有检查点</translation>
    </message>
    <message>
        <source>filtered: {span}</source>
        <translation>已筛选：{span}</translation>
    </message>
    <message>
        <source>filter on {span}: not on this map</source>
        <translation>筛选{span}：不在此注意力图上</translation>
    </message>
    <message>
        <source>Choose a second model above: it reads the same input</source>
        <translation>请在上方选择第二个模型：它读取相同的输入</translation>
    </message>
</context>
<context>
    <name>AgreementGrid</name>
    <message>
        <source>AER</source>
        <translation>AER</translation>
    </message>
</context>
<context>
    <name>AgreementStudy</name>
    <message>
        <source>{0} has no task examples: it was trained on your own files</source>
        <translation>{0} 没有任务样例：它是用您自己的文件训练的</translation>
    </message>
    <message>
        <source>no model open</source>
        <translation>未打开模型</translation>
    </message>
    <message>
        <source>{0} is a Hugging Face model: the agreement table reads the maps of the workbench&apos;s own model families</source>
        <translation>{0} 是 Hugging Face 模型：一致性表只读取本工作台自有模型族的注意力图</translation>
    </message>
</context>
<context>
    <name>AgreementView</name>
    <message>
        <source>Compute for this sentence</source>
        <translation>计算这个句子</translation>
    </message>
    <message>
        <source> examples</source>
        <translation> 个样例</translation>
    </message>
    <message>
        <source>Compute over the test split</source>
        <translation>在测试集上计算</translation>
    </message>
    <message>
        <source>flow</source>
        <translation>注意力流</translation>
    </message>
    <message>
        <source>attention flow: about 0.1 s more a sentence</source>
        <translation>注意力流：每句约多 0.1 秒</translation>
    </message>
    <message>
        <source>integrated gradients</source>
        <translation>积分梯度</translation>
    </message>
    <message>
        <source>about 0.5 s more a sentence (64 steps)</source>
        <translation>每句约多 0.5 秒（64 步）</translation>
    </message>
    <message>
        <source>How well each method agrees with the gold alignments (AER, lower is closer) and with the others (rank correlation over the source tokens of each output token, as Jain &amp; Wallace 2019). Integrated gradients cost about 0.5 s a sentence, flow 0.1 s; hover over the table for what its numbers are.</source>
        <translation>各方法与金标对齐的一致程度（AER，越低越接近）以及方法之间的一致程度（对每个输出词元在源词元上的秩相关，同 Jain &amp; Wallace 2019）。积分梯度每句约 0.5 秒，注意力流约 0.1 秒；将鼠标悬停在表格上可查看各数字的含义。</translation>
    </message>
    <message>
        <source>heads</source>
        <translation>各头</translation>
    </message>
    <message>
        <source>means of heads</source>
        <translation>各头平均</translation>
    </message>
    <message>
        <source>rollout</source>
        <translation>rollout</translation>
    </message>
    <message>
        <source>gradients</source>
        <translation>梯度</translation>
    </message>
    <message>
        <source>sal.</source>
        <translation>显著</translation>
    </message>
    <message>
        <source>I×G</source>
        <translation>I×G</translation>
    </message>
    <message>
        <source>IG</source>
        <translation>IG</translation>
    </message>
    <message>
        <source>Spearman ρ</source>
        <translation>斯皮尔曼 ρ</translation>
    </message>
    <message>
        <source>Kendall τ-b</source>
        <translation>肯德尔 τ-b</translation>
    </message>
    <message>
        <source>AER: each method&apos;s map against the gold alignments, each target word linked to its most weighted source word (lower is closer; the lowest in bold). The grid: how alike two methods rank the source tokens of each output token, mean over the output tokens (1: the same order).</source>
        <translation>AER：各方法的注意力图与金标对齐对比，每个目标词链接到权重最大的源词（越低越接近；最低者加粗）。网格：两种方法对每个输出词元的源词元排序有多相似，对所有输出词元取平均（1：顺序相同）。</translation>
    </message>
    <message>
        <source>Methods</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>the groups of methods the table shows</source>
        <translation>表格显示的方法组</translation>
    </message>
    <message>
        <source>computing… example {0} of {1}</source>
        <translation>计算中… 第 {0} 个样例，共 {1} 个</translation>
    </message>
    <message>
        <source>computing…</source>
        <translation>计算中…</translation>
    </message>
    <message>
        <source>No agreement table: {0}</source>
        <translation>无法生成一致性表：{0}</translation>
    </message>
    <message>
        <source>{model} · this sentence: {pair}</source>
        <translation>{model} · 本句：{pair}</translation>
    </message>
    <message>
        <source>{model} · the first {count} examples of the test split</source>
        <translation>{model} · 测试集的前 {count} 个样例</translation>
    </message>
    <message>
        <source> · AER: lower is closer</source>
        <translation> · AER：越低越接近</translation>
    </message>
    <message>
        <source>no gold alignment for this sentence: rank correlations only</source>
        <translation>此句没有金标对齐：仅显示秩相关</translation>
    </message>
    <message>
        <source>no gold alignments in these examples: rank correlations only</source>
        <translation>这些样例没有金标对齐：仅显示秩相关</translation>
    </message>
    <message>
        <source>{0} has no attention maps (a fixed context): gradient methods only</source>
        <translation>{0} 没有注意力图（固定上下文）：仅有梯度方法</translation>
    </message>
    <message>
        <source>rows: hypothesis tokens over premise tokens; the NLI gradient maps have one row (the label) and are left out</source>
        <translation>行：假设词元对前提词元；NLI 的梯度图只有一行（标签），故不列入</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>平均</translation>
    </message>
</context>
<context>
    <name>BeamTreeView</name>
    <message>
        <source>no beam search to show (decode with a beam size above 1)</source>
        <translation>没有可显示的束搜索（请用大于 1 的束宽解码）</translation>
    </message>
    <message>
        <source>Search with a beam of {width}</source>
        <translation>以束宽 {width} 搜索</translation>
    </message>
    <message>
        <source>beam search · {steps} steps · each box: token and log-probability · bold: the returned hypothesis · green: finished · dashed: dropped by the beam</source>
        <translation>束搜索 · {steps} 步 · 每个方框：词元及其对数概率 · 粗体：返回的假设 · 绿色：已结束 · 虚线：被束剪除</translation>
    </message>
    <message>
        <source>what if {0}</source>
        <translation>假如 {0}</translation>
    </message>
    <message>
        <source> (finished)</source>
        <translation>（已结束）</translation>
    </message>
    <message>
        <source>step {step}, hypothesis {index}: &apos;{token}&apos;, log p = {score}</source>
        <translation>第 {step} 步，假设 {index}：“{token}”，log p = {score}</translation>
    </message>
</context>
<context>
    <name>ComparePanel</name>
    <message>
        <source>the model to compare with</source>
        <translation>用于比较的模型</translation>
    </message>
    <message>
        <source>choose a second model above</source>
        <translation>请在上方选择第二个模型</translation>
    </message>
    <message>
        <source>compare with</source>
        <translation>比较对象</translation>
    </message>
    <message>
        <source>choose a model…</source>
        <translation>选择模型…</translation>
    </message>
    <message>
        <source>heads off: {heads}</source>
        <translation>已关闭的头：{heads}</translation>
    </message>
</context>
<context>
    <name>CurvesView</name>
    <message>
        <source>train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>valid</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>&lt;b&gt;Curves&lt;/b&gt;</source>
        <translation>&lt;b&gt;曲线&lt;/b&gt;</translation>
    </message>
    <message>
        <source>metric</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>The curves appear with the first training steps</source>
        <translation>训练开始后即显示曲线</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
</context>
<context>
    <name>DataPanel</name>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Bundled task</source>
        <translation>内置任务</translation>
    </message>
    <message>
        <source>Your files</source>
        <translation>你的文件</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>training pairs (all: the task&apos;s default, or the whole file)</source>
        <translation>训练句对数（全部：任务默认值，或整个文件）</translation>
    </message>
    <message>
        <source>validation pairs evaluated</source>
        <translation>参与评估的验证句对数</translation>
    </message>
    <message>
        <source>longest sequence, in tokens</source>
        <translation>最长序列（词元数）</translation>
    </message>
    <message>
        <source>train pairs</source>
        <translation>训练句对</translation>
    </message>
    <message>
        <source>valid</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>max len</source>
        <translation>最大长度</translation>
    </message>
</context>
<context>
    <name>DisplayBoxes</name>
    <message>
        <source>colours</source>
        <translation>色图</translation>
    </message>
    <message>
        <source>scale</source>
        <translation>刻度</translation>
    </message>
    <message>
        <source>normalise</source>
        <translation>归一化</translation>
    </message>
    <message>
        <source>gold</source>
        <translation>金标</translation>
    </message>
    <message>
        <source>outline the gold word alignment (the task&apos;s samples have one; typed text does not)</source>
        <translation>勾勒金标词对齐（任务样例带有对齐；手动输入的文本没有）</translation>
    </message>
    <message>
        <source>hide special</source>
        <translation>隐藏特殊词元</translation>
    </message>
    <message>
        <source>leave out the rows and columns of [CLS], [SEP], &lt;s&gt;, &lt;/s&gt;, &lt;pad&gt;, ...</source>
        <translation>略去 [CLS]、[SEP]、&lt;s&gt;、&lt;/s&gt;、&lt;pad&gt; 等特殊词元的行和列</translation>
    </message>
    <message>
        <source>rows to 1</source>
        <translation>行和归一</translation>
    </message>
    <message>
        <source>with special tokens hidden, rescale each row to sum to 1 (off: the model&apos;s own weights)</source>
        <translation>隐藏特殊词元后，将每行重新缩放为和为 1（关闭时：显示模型自身的权重）</translation>
    </message>
</context>
<context>
    <name>DownloadTab</name>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>the catalogue is empty</source>
        <translation>目录为空</translation>
    </message>
    <message>
        <source>licence: {licence}</source>
        <translation>许可证：{licence}</translation>
    </message>
    <message>
        <source>already downloaded to {path}</source>
        <translation>已下载到 {path}</translation>
    </message>
    <message>
        <source>connecting for {name}…</source>
        <translation>正在连接以下载 {name}…</translation>
    </message>
    <message>
        <source>cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>download cancelled: {error}</source>
        <translation>下载已取消：{error}</translation>
    </message>
    <message>
        <source>download failed: {error}</source>
        <translation>下载失败：{error}</translation>
    </message>
    <message>
        <source>downloaded to {path}; now under Your files</source>
        <translation>已下载到 {path}；现在位于“你的文件”中</translation>
    </message>
    <message>
        <source>downloaded to {path}; choose the training file under Your files</source>
        <translation>已下载到 {path}；请在“你的文件”中选择训练文件</translation>
    </message>
</context>
<context>
    <name>EmptyNotice</name>
    <message>
        <source>Open a model to begin: pick one on the left</source>
        <translation>打开一个模型以开始：在左侧选择一个</translation>
    </message>
</context>
<context>
    <name>Explain</name>
    <message>
        <source>no {kind}</source>
        <translation>无法计算{kind}</translation>
    </message>
    <message>
        <source>step {step}: cross L{layer} {head} pinned to &apos;{token}&apos;</source>
        <translation>第 {step} 步：交叉注意力 L{layer} {head} 固定到“{token}”</translation>
    </message>
    <message>
        <source>step {step}: cross L{layer} {head} scaled ×{factor:g}</source>
        <translation>第 {step} 步：交叉注意力 L{layer} {head} 缩放 ×{factor:g}</translation>
    </message>
    <message>
        <source>nothing to edit: translate a sentence first</source>
        <translation>没有可编辑的内容：请先翻译一个句子</translation>
    </message>
    <message>
        <source>attention edits work on pieces: choose View ▸ Tokens ▸ pieces</source>
        <translation>注意力编辑作用于子词片段：请选择 视图 ▸ 词元 ▸ 子词片段</translation>
    </message>
    <message>
        <source>attention edits change cross attention: this model has none on show</source>
        <translation>注意力编辑修改的是交叉注意力：当前显示的模型没有交叉注意力</translation>
    </message>
    <message>
        <source>the edit could not be decoded</source>
        <translation>无法按此编辑解码</translation>
    </message>
    <message>
        <source>what if {what}: decoding…</source>
        <translation>假如 {what}：正在解码…</translation>
    </message>
    <message>
        <source>what if {what}: &apos;{now}&apos; (was &apos;{before}&apos;)</source>
        <translation>假如 {what}：“{now}”（原为“{before}”）</translation>
    </message>
    <message>
        <source>every head</source>
        <translation>所有头</translation>
    </message>
    <message>
        <source>H{head}</source>
        <translation>H{head}</translation>
    </message>
</context>
<context>
    <name>FigureDialog</name>
    <message>
        <source>Heatmap (the map on show)</source>
        <translation>热力图（当前显示的注意力图）</translation>
    </message>
    <message>
        <source>Every head of the layer, side by side</source>
        <translation>该层的所有头，并排显示</translation>
    </message>
    <message>
        <source>Heads grid (every layer × head)</source>
        <translation>头网格（所有层 × 头）</translation>
    </message>
    <message>
        <source>Token lines</source>
        <translation>词元连线</translation>
    </message>
    <message>
        <source>Decoding steps (the step on show, or all)</source>
        <translation>解码步骤（当前步骤或全部）</translation>
    </message>
    <message>
        <source>Beam tree</source>
        <translation>束搜索树</translation>
    </message>
    <message>
        <source>NLI: alignment maps and label bars</source>
        <translation>自然语言推理：对齐图和标签条</translation>
    </message>
    <message>
        <source>Compare: both models, one colour scale</source>
        <translation>比较：两个模型，同一色标</translation>
    </message>
    <message>
        <source>Export figure</source>
        <translation>导出图表</translation>
    </message>
    <message>
        <source>fit the size to the tokens</source>
        <translation>按词元数调整尺寸</translation>
    </message>
    <message>
        <source>greyscale (for print)</source>
        <translation>灰度（用于打印）</translation>
    </message>
    <message>
        <source>title (model, kind, layer, head)</source>
        <translation>标题（模型、类型、层、头）</translation>
    </message>
    <message>
        <source>decoding steps: one panel per step</source>
        <translation>解码步骤：每步一个面板</translation>
    </message>
    <message>
        <source>figure</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>DPI (PNG)</source>
        <translation>DPI（PNG）</translation>
    </message>
</context>
<context>
    <name>FigureJob</name>
    <message>
        <source>Could not export the figure to {path}:

{error}</source>
        <translation>无法将图表导出到 {path}：

{error}</translation>
    </message>
    <message>
        <source>figure exported to {path}</source>
        <translation>图表已导出到 {path}</translation>
    </message>
</context>
<context>
    <name>FilesTab</name>
    <message>
        <source>Tatoeba pairs: source&lt;TAB&gt;target lines (.txt / .zip)</source>
        <translation>Tatoeba 句对：每行“源&lt;TAB&gt;目标”（.txt / .zip）</translation>
    </message>
    <message>
        <source>Parallel files: PREFIX.src + PREFIX.tgt, line by line</source>
        <translation>平行文件：PREFIX.src + PREFIX.tgt，逐行对应</translation>
    </message>
    <message>
        <source>SNLI / MultiNLI jsonl (sentence1, sentence2, gold_label)</source>
        <translation>SNLI / MultiNLI jsonl（sentence1、sentence2、gold_label）</translation>
    </message>
    <message>
        <source>training file or prefix (drop a file here)</source>
        <translation>训练文件或前缀（可将文件拖放到此处）</translation>
    </message>
    <message>
        <source>optional: else the last pairs of training</source>
        <translation>可选：否则使用训练数据的最后若干句对</translation>
    </message>
    <message>
        <source>source suffix</source>
        <translation>源语言后缀</translation>
    </message>
    <message>
        <source>target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>no file chosen</source>
        <translation>未选择文件</translation>
    </message>
    <message>
        <source>format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>valid</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>parallel</source>
        <translation>平行语料</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>choose a training file</source>
        <translation>请选择训练文件</translation>
    </message>
    <message>
        <source>the files are still being read</source>
        <translation>文件仍在读取中</translation>
    </message>
    <message>
        <source>reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>{count} pairs read</source>
        <translation>已读取 {count} 个句对</translation>
    </message>
    <message>
        <source>{count} rows read before the error</source>
        <translation>出错前读取了 {count} 行</translation>
    </message>
    <message>
        <source>could not read the files</source>
        <translation>无法读取文件</translation>
    </message>
    <message>
        <source>Choose a data file</source>
        <translation>选择数据文件</translation>
    </message>
</context>
<context>
    <name>FilterBadge</name>
    <message>
        <source>the view keeps only the tokens of the text you selected</source>
        <translation>视图只保留你所选文本的词元</translation>
    </message>
</context>
<context>
    <name>HeadImportanceView</name>
    <message>
        <source> examples</source>
        <translation> 个样例</translation>
    </message>
    <message>
        <source>Compute head importance and pruning</source>
        <translation>计算头重要性与剪枝</translation>
    </message>
    <message>
        <source>Each head&apos;s importance (Michel et al. 2019) and the metric lost when it alone is masked; then the heads pruned greedily, least important first.</source>
        <translation>每个头的重要性（Michel 等，2019）以及单独屏蔽该头时指标的损失；随后按重要性从低到高贪心地剪除各头。</translation>
    </message>
    <message>
        <source>heads kept</source>
        <translation>保留的头数</translation>
    </message>
    <message>
        <source>computing… step {0} of {1}</source>
        <translation>正在计算… 第 {0} / {1} 步</translation>
    </message>
    <message>
        <source>No head study: {0}</source>
        <translation>无法进行头分析：{0}</translation>
    </message>
    <message>
        <source>{model}: {metric} {baseline:.2f} with every head on, over {examples} examples. Each cell: importance (colour: normalised per layer) and the {metric} change with that head alone masked. Pruning least important first, {pruned} of {heads} heads go before {metric} falls more than {loss:g} (dotted line).</source>
        <translation>{model}：所有头开启时 {metric} 为 {baseline:.2f}（共 {examples} 个样例）。每个单元格：重要性（颜色：按层归一化）以及单独屏蔽该头时 {metric} 的变化。按重要性从低到高剪枝，在 {metric} 下降超过 {loss:g}（虚线）之前可剪除 {heads} 个头中的 {pruned} 个。</translation>
    </message>
</context>
<context>
    <name>HeadStudy</name>
    <message>
        <source>no model open</source>
        <translation>未打开模型</translation>
    </message>
    <message>
        <source>{0} has no task examples to study its heads on</source>
        <translation>{0} 没有可用于分析其注意力头的任务样例</translation>
    </message>
</context>
<context>
    <name>HeadsGridView</name>
    <message>
        <source>{:.2f} bits</source>
        <translation>{:.2f} 比特</translation>
    </message>
    <message>
        <source>no attention record</source>
        <translation>没有注意力记录</translation>
    </message>
    <message>
        <source>this record has no {kind} maps</source>
        <translation>此记录没有{kind}注意力图</translation>
    </message>
    <message>
        <source>{kind} · {layers} layers × {heads} heads · mean row entropy (bits) under each · click a head to open it, Ctrl-click to switch it off</source>
        <translation>{kind} · {layers} 层 × {heads} 头 · 每个下方为平均行熵（比特）· 点击头可打开，Ctrl+点击可关闭</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关</translation>
    </message>
    <message>
        <source>output now (probability change):</source>
        <translation>现在的输出（概率变化）：</translation>
    </message>
    <message>
        <source>{token} (was {before})</source>
        <translation>{token}（原为 {before}）</translation>
    </message>
    <message>
        <source>layer {layer}, head {head}: {bits} bits (uniform: {uniform})</source>
        <translation>第 {layer} 层，头 {head}：{bits} 比特（均匀分布：{uniform}）</translation>
    </message>
</context>
<context>
    <name>HeatmapView</name>
    <message>
        <source>hover a cell for its weight · click a cell or token to select it</source>
        <translation>悬停在单元格上查看权重 · 点击单元格或词元即可选中</translation>
    </message>
    <message>
        <source>attention weight</source>
        <translation>注意力权重</translation>
    </message>
    <message>
        <source>{side} (queries)</source>
        <translation>{side}（查询）</translation>
    </message>
    <message>
        <source>{side} (keys)</source>
        <translation>{side}（键）</translation>
    </message>
    <message>
        <source>attribution</source>
        <translation>归因</translation>
    </message>
    <message>
        <source>attribution (row-normalised)</source>
        <translation>归因（按行归一化）</translation>
    </message>
    <message>
        <source>no attention record</source>
        <translation>没有注意力记录</translation>
    </message>
    <message>
        <source>this record has no {map} map</source>
        <translation>此记录没有 {map} 注意力图</translation>
    </message>
    <message>
        <source>gold alignment is {rows}×{columns} words, this map {map_rows}×{map_columns} tokens</source>
        <translation>金标对齐为 {rows}×{columns} 个词，此注意力图为 {map_rows}×{map_columns} 个词元</translation>
    </message>
    <message>
        <source>AER {aer} (argmax vs gold, dashed)</source>
        <translation>AER {aer}（argmax 与金标对比，虚线）</translation>
    </message>
    <message>
        <source>{side} &apos;{token}&apos; ({index}): click to select</source>
        <translation>{side}“{token}”（{index}）：点击选中</translation>
    </message>
</context>
<context>
    <name>LogPane</name>
    <message>
        <source>the run&apos;s log</source>
        <translation>运行日志</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Attention record, JSON (*.json)</source>
        <translation>注意力记录，JSON (*.json)</translation>
    </message>
    <message>
        <source>Attention record, NumPy (*.npz)</source>
        <translation>注意力记录，NumPy (*.npz)</translation>
    </message>
    <message>
        <source>Inspect</source>
        <translation>检视</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>open a model to begin: pick one on the left, or File ▸ Open checkpoint…</source>
        <translation>打开一个模型以开始：在左侧选择，或使用 文件 ▸ 打开检查点…</translation>
    </message>
    <message>
        <source>Open a checkpoint directory</source>
        <translation>打开检查点目录</translation>
    </message>
    <message>
        <source>Export the record</source>
        <translation>导出记录</translation>
    </message>
    <message>
        <source>Export the view</source>
        <translation>导出视图</translation>
    </message>
    <message>
        <source>nothing to export yet: type something first</source>
        <translation>还没有可导出的内容：请先输入文本</translation>
    </message>
    <message>
        <source>Could not export the record to {path}:

{error}</source>
        <translation>无法将记录导出到 {path}：

{error}</translation>
    </message>
    <message>
        <source>record exported to {path}</source>
        <translation>记录已导出到 {path}</translation>
    </message>
    <message>
        <source>No Chinese font found: install fonts-noto-cjk (Debian/Ubuntu) or `pip install &apos;attention-workbench[cjk]&apos;`</source>
        <translation>未找到中文字体：请安装 fonts-noto-cjk（Debian/Ubuntu）或运行 `pip install &apos;attention-workbench[cjk]&apos;`</translation>
    </message>
    <message>
        <source>About {title}</source>
        <translation>关于 {title}</translation>
    </message>
    <message>
        <source>working…</source>
        <translation>正在处理…</translation>
    </message>
</context>
<context>
    <name>MapControls</name>
    <message>
        <source>map</source>
        <translation>注意力图</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>head</source>
        <translation>头</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>平均</translation>
    </message>
</context>
<context>
    <name>ModelPanel</name>
    <message>
        <source>choose a model…</source>
        <translation>选择模型…</translation>
    </message>
    <message>
        <source>Open checkpoint…</source>
        <translation>打开检查点…</translation>
    </message>
    <message>
        <source>open a checkpoint directory (or drop one on the window)</source>
        <translation>打开检查点目录（或将其拖放到窗口上）</translation>
    </message>
    <message>
        <source>no model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <source>click a sample to try it (its gold alignment comes along)</source>
        <translation>点击样例即可试用（附带其金标对齐）</translation>
    </message>
    <message>
        <source>&lt;b&gt;Model&lt;/b&gt;</source>
        <translation>&lt;b&gt;模型&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Samples&lt;/b&gt; from the model&apos;s task</source>
        <translation>&lt;b&gt;样例&lt;/b&gt;（来自模型的任务）</translation>
    </message>
    <message>
        <source>bundled model, task {task}: {path}</source>
        <translation>内置模型，任务 {task}：{path}</translation>
    </message>
    <message>
        <source>your model, task {task}: {path}</source>
        <translation>你的模型，任务 {task}：{path}</translation>
    </message>
    <message>
        <source>no models yet: open a checkpoint</source>
        <translation>还没有模型：请打开一个检查点</translation>
    </message>
    <message>
        <source>reference: {text}</source>
        <translation>参考译文：{text}</translation>
    </message>
    <message>
        <source>gold label: {label}</source>
        <translation>金标标签：{label}</translation>
    </message>
    <message>
        <source>no samples: this model was trained on your own files</source>
        <translation>没有样例：此模型是在你自己的文件上训练的</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>at most this many pieces per tokenizer</source>
        <translation>每个分词器最多这么多个片段</translation>
    </message>
    <message>
        <source>shared</source>
        <translation>共享</translation>
    </message>
    <message>
        <source>one tokenizer for source and target</source>
        <translation>源和目标共用一个分词器</translation>
    </message>
    <message>
        <source>jieba</source>
        <translation>结巴分词</translation>
    </message>
    <message>
        <source>word tokenizer: cut Chinese into words with jieba (a bundled task&apos;s own words added to its dictionary); without it a Chinese sentence would be one word</source>
        <translation>词分词器：用结巴分词把中文切分成词（内置任务自己的词加入其词典）；不勾选时一个中文句子会被当成一个词</translation>
    </message>
    <message>
        <source>family</source>
        <translation>模型族</translation>
    </message>
    <message>
        <source>size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>vocab</source>
        <translation>词表</translation>
    </message>
    <message>
        <source>tokenizer</source>
        <translation>分词器</translation>
    </message>
    <message>
        <source>estimating…</source>
        <translation>正在估算…</translation>
    </message>
    <message>
        <source>cannot build: {error}</source>
        <translation>无法构建：{error}</translation>
    </message>
    <message>
        <source>&lt;b&gt;≈ {short} parameters&lt;/b&gt; ({count}) · vocabulary ≈ {vocab} pieces</source>
        <translation>&lt;b&gt;≈ {short} 个参数&lt;/b&gt;（{count}）· 词表 ≈ {vocab} 个片段</translation>
    </message>
    <message>
        <source>counted on a model built with the vocabulary the tokenizer would learn from a sample of the data (source / target); the trained tokenizer may differ a little</source>
        <translation>基于以下模型统计：其词表为分词器从数据样本（源 / 目标）中学得的词表；训练后的分词器可能略有不同</translation>
    </message>
</context>
<context>
    <name>NLIPanel</name>
    <message>
        <source>Premise, e.g. “a man is sleeping”</source>
        <translation>前提，例如“a man is sleeping”</translation>
    </message>
    <message>
        <source>Hypothesis, e.g. “a person is asleep”</source>
        <translation>假设，例如“a person is asleep”</translation>
    </message>
    <message>
        <source>model read</source>
        <translation>模型读入</translation>
    </message>
</context>
<context>
    <name>NLIView</name>
    <message>
        <source>no NLI prediction</source>
        <translation>没有推理预测</translation>
    </message>
    <message>
        <source>prediction: {label} ({probability})</source>
        <translation>预测：{label}（{probability}）</translation>
    </message>
    <message>
        <source>gold</source>
        <translation>金标</translation>
    </message>
</context>
<context>
    <name>NoticeRow</name>
    <message>
        <source>Back to my text</source>
        <translation>恢复我的文本</translation>
    </message>
    <message>
        <source>put back the text you had before the model changed</source>
        <translation>恢复切换模型之前你输入的文本</translation>
    </message>
</context>
<context>
    <name>OnRequest</name>
    <message>
        <source>{kind} in {seconds} s</source>
        <translation>{kind}，用时 {seconds} 秒</translation>
    </message>
    <message>
        <source>completeness gap {gap} (largest |convergence delta|, {steps} steps)</source>
        <translation>完备性差距 {gap}（最大 |收敛误差|，{steps} 步）</translation>
    </message>
</context>
<context>
    <name>OnShow</name>
    <message>
        <source>special tokens hidden: the rows show the model&apos;s weights and no longer sum to 1 (renormalise rows to rescale them)</source>
        <translation>已隐藏特殊词元：各行显示的是模型的权重，其和不再为 1（可勾选“行和归一”重新缩放）</translation>
    </message>
</context>
<context>
    <name>OutputLine</name>
    <message>
        <source>the translation · select words to see only their rows</source>
        <translation>译文 · 选中词语可只查看其对应的行</translation>
    </message>
</context>
<context>
    <name>ProbePanel</name>
    <message>
        <source>the heatmap appears at the first evaluation</source>
        <translation>热力图将在第一次评估时出现</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>抽取样例</translation>
    </message>
    <message>
        <source>probe with a test pair of the data, with its gold alignment</source>
        <translation>用数据中的一个测试句对（含金标对齐）进行探测</translation>
    </message>
    <message>
        <source>▶ Replay</source>
        <translation>▶ 回放</translation>
    </message>
    <message>
        <source>&lt;b&gt;Probe&lt;/b&gt;</source>
        <translation>&lt;b&gt;探测&lt;/b&gt;</translation>
    </message>
    <message>
        <source>reference</source>
        <translation>参考译文</translation>
    </message>
    <message>
        <source>optional: forced decoding shows where the model looks writing this</source>
        <translation>可选：强制解码显示模型在写出该句时关注的位置</translation>
    </message>
    <message>
        <source> · this model has no attention to show</source>
        <translation> · 此模型没有可显示的注意力</translation>
    </message>
    <message>
        <source>snapshot {shown} / {count} · step {step} · output: {output}</source>
        <translation>快照 {shown} / {count} · 第 {step} 步 · 输出：{output}</translation>
    </message>
</context>
<context>
    <name>RunControls</name>
    <message>
        <source>Start training</source>
        <translation>开始训练</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>stop after this step; the model is saved first</source>
        <translation>在本步之后停止；先保存模型</translation>
    </message>
    <message>
        <source>Inspect the model</source>
        <translation>检视模型</translation>
    </message>
    <message>
        <source>open the trained model in the inspect view</source>
        <translation>在检视页中打开训练好的模型</translation>
    </message>
    <message>
        <source>Score on a test file…</source>
        <translation>在测试文件上评分…</translation>
    </message>
    <message>
        <source>BLEU / chrF or accuracy of the trained model on a file in its data&apos;s format; the figures go on its model card</source>
        <translation>训练好的模型在与其数据格式相同的文件上的 BLEU / chrF 或准确率；结果会写入其模型卡片</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source> · paused</source>
        <translation> · 已暂停</translation>
    </message>
    <message>
        <source>not started</source>
        <translation>未开始</translation>
    </message>
</context>
<context>
    <name>RunPanel</name>
    <message>
        <source>step {step} / {total} · ETA {eta} · {speed} tok/s</source>
        <translation>第 {step} / {total} 步 · 剩余 {eta} · {speed} 词元/秒</translation>
    </message>
</context>
<context>
    <name>RunSettings</name>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>the model&apos;s name in your model list</source>
        <translation>模型在你的模型列表中的名称</translation>
    </message>
    <message>
        <source>auto ({device})</source>
        <translation>自动（{device}）</translation>
    </message>
    <message>
        <source>{device} (not available)</source>
        <translation>{device}（不可用）</translation>
    </message>
    <message>
        <source>name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <source>steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>batch</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>schedule</source>
        <translation>调度</translation>
    </message>
    <message>
        <source>warm-up steps</source>
        <translation>预热步数</translation>
    </message>
    <message>
        <source>seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>evaluate every</source>
        <translation>评估间隔</translation>
    </message>
    <message>
        <source>save every</source>
        <translation>保存间隔</translation>
    </message>
    <message>
        <source>{precision} (needs CUDA)</source>
        <translation>{precision}（需要 CUDA）</translation>
    </message>
    <message>
        <source>what the training steps compute in: auto picks bf16 on CUDA GPUs that have it and on CPUs where bfloat16 is measured faster, fp16 on older GPUs, else fp32; the saved model is float32 either way</source>
        <translation>训练步骤使用的计算精度：自动模式在支持 bf16 的 CUDA GPU 以及实测 bfloat16 更快的 CPU 上选择 bf16，在较旧的 GPU 上选择 fp16，否则选择 fp32；无论如何，保存的模型均为 float32</translation>
    </message>
</context>
<context>
    <name>Selection</name>
    <message>
        <source>mean of heads</source>
        <translation>各头平均</translation>
    </message>
    <message>
        <source>head {head}</source>
        <translation>头 {head}</translation>
    </message>
    <message>
        <source>{kind} · layer {layer} · {head}</source>
        <translation>{kind} · 第 {layer} 层 · {head}</translation>
    </message>
    <message>
        <source>{side} token {index}</source>
        <translation>{side}词元 {index}</translation>
    </message>
    <message>
        <source>{side} tokens {first}–{last}</source>
        <translation>{side}词元 {first}–{last}</translation>
    </message>
</context>
<context>
    <name>Session</name>
    <message>
        <source>open a model to begin</source>
        <translation>打开一个模型以开始</translation>
    </message>
    <message>
        <source>opening {model}…</source>
        <translation>正在打开 {model}…</translation>
    </message>
    <message>
        <source>opening {name}…</source>
        <translation>正在打开 {name}…</translation>
    </message>
    <message>
        <source>model {name}: {family} · {task}</source>
        <translation>模型 {name}：{family} · {task}</translation>
    </message>
    <message>
        <source>no task</source>
        <translation>无任务</translation>
    </message>
    <message>
        <source>Showing a sample of {task}: your text did not suit {model} ({why})</source>
        <translation>正在显示 {task} 的样例：你的文本不适合 {model}（{why}）</translation>
    </message>
    <message>
        <source> · showing one of its samples (Back to my text restores yours)</source>
        <translation> · 正在显示它的一个样例（“恢复我的文本”可找回你的文本）</translation>
    </message>
    <message>
        <source>; still showing {model}</source>
        <translation>；仍显示 {model}</translation>
    </message>
    <message>
        <source>could not open {source}</source>
        <translation>无法打开 {source}</translation>
    </message>
    <message>
        <source>Could not open &apos;{source}&apos;:

{error}</source>
        <translation>无法打开“{source}”：

{error}</translation>
    </message>
    <message>
        <source>type a sentence to translate</source>
        <translation>输入要翻译的句子</translation>
    </message>
    <message>
        <source>type a premise and a hypothesis</source>
        <translation>输入前提和假设</translation>
    </message>
    <message>
        <source>input cut to the model&apos;s limit of {limit} tokens</source>
        <translation>输入已截断至模型上限 {limit} 个词元</translation>
    </message>
    <message>
        <source>a sample of its task in place of your text (Back to my text)</source>
        <translation>用其任务的样例替代了你的文本（恢复我的文本）</translation>
    </message>
    <message>
        <source>translated in {ms} ms</source>
        <translation>翻译用时 {ms} 毫秒</translation>
    </message>
    <message>
        <source>classified in {ms} ms</source>
        <translation>分类用时 {ms} 毫秒</translation>
    </message>
    <message>
        <source>the model failed on this input: {error}</source>
        <translation>模型处理此输入失败：{error}</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts — {title}</source>
        <translation>键盘快捷键 — {title}</translation>
    </message>
</context>
<context>
    <name>StepPanel</name>
    <message>
        <source>weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>this record has no decoder attention</source>
        <translation>此记录没有解码器注意力</translation>
    </message>
    <message>
        <source>mean of heads</source>
        <translation>各头平均</translation>
    </message>
    <message>
        <source>head {head}</source>
        <translation>头 {head}</translation>
    </message>
    <message>
        <source>step {step} looked at: {kind} · layer {layer} · {head}</source>
        <translation>第 {step} 步关注的位置：{kind} · 第 {layer} 层 · {head}</translation>
    </message>
    <message>
        <source>no candidates recorded</source>
        <translation>没有记录候选词</translation>
    </message>
    <message>
        <source>top-{count} next tokens</source>
        <translation>前 {count} 个候选下一词元</translation>
    </message>
    <message>
        <source>probability</source>
        <translation>概率</translation>
    </message>
    <message>
        <source>probability (log scale)</source>
        <translation>概率（对数刻度）</translation>
    </message>
</context>
<context>
    <name>StepsView</name>
    <message>
        <source>▶ play</source>
        <translation>▶ 播放</translation>
    </message>
    <message>
        <source>probability axis of the candidates: linear or logarithmic</source>
        <translation>候选词的概率轴：线性或对数</translation>
    </message>
    <message>
        <source>What if: click a bar to pin this step&apos;s cross attention to that token, or</source>
        <translation>假如：点击一个柱条，将本步的交叉注意力固定到该词元，或</translation>
    </message>
    <message>
        <source>Scale the row</source>
        <translation>缩放该行</translation>
    </message>
    <message>
        <source>Clear the edit</source>
        <translation>清除编辑</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>编辑后</translation>
    </message>
    <message>
        <source>original: {0}&lt;br&gt;what if {1}: {2}</source>
        <translation>原始：{0}&lt;br&gt;假如 {1}：{2}</translation>
    </message>
    <message>
        <source>scale</source>
        <translation>刻度</translation>
    </message>
    <message>
        <source>step {step} / {steps}</source>
        <translation>第 {step} / {steps} 步</translation>
    </message>
    <message>
        <source>no steps</source>
        <translation>没有步骤</translation>
    </message>
    <message>
        <source>step {step} / {steps} · chose &apos;{token}&apos; (p = {p})</source>
        <translation>第 {step} / {steps} 步 · 选择了“{token}”（p = {p}）</translation>
    </message>
    <message>
        <source>⏸ pause</source>
        <translation>⏸ 暂停</translation>
    </message>
</context>
<context>
    <name>Terms</name>
    <message>
        <source>source</source>
        <translation>源</translation>
    </message>
    <message>
        <source>target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>target input</source>
        <translation>目标输入</translation>
    </message>
    <message>
        <source>premise</source>
        <translation>前提</translation>
    </message>
    <message>
        <source>hypothesis</source>
        <translation>假设</translation>
    </message>
    <message>
        <source>pair</source>
        <translation>句对</translation>
    </message>
    <message>
        <source>label</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <source>encoder self</source>
        <translation>编码器自注意力</translation>
    </message>
    <message>
        <source>decoder self</source>
        <translation>解码器自注意力</translation>
    </message>
    <message>
        <source>cross</source>
        <translation>交叉注意力</translation>
    </message>
    <message>
        <source>premise to hypothesis</source>
        <translation>前提→假设</translation>
    </message>
    <message>
        <source>hypothesis to premise</source>
        <translation>假设→前提</translation>
    </message>
    <message>
        <source>premise self</source>
        <translation>前提自注意力</translation>
    </message>
    <message>
        <source>hypothesis self</source>
        <translation>假设自注意力</translation>
    </message>
    <message>
        <source>pair self</source>
        <translation>句对自注意力</translation>
    </message>
    <message>
        <source>prompt self</source>
        <translation>提示自注意力</translation>
    </message>
    <message>
        <source>causal self</source>
        <translation>因果自注意力</translation>
    </message>
    <message>
        <source>encoder self rollout</source>
        <translation>编码器自注意力 rollout</translation>
    </message>
    <message>
        <source>encoder self flow</source>
        <translation>编码器自注意力流</translation>
    </message>
    <message>
        <source>cross rollout</source>
        <translation>交叉注意力 rollout</translation>
    </message>
    <message>
        <source>cross flow</source>
        <translation>交叉注意力流</translation>
    </message>
    <message>
        <source>pair self rollout</source>
        <translation>句对自注意力 rollout</translation>
    </message>
    <message>
        <source>pair self flow</source>
        <translation>句对自注意力流</translation>
    </message>
    <message>
        <source>saliency</source>
        <translation>显著性</translation>
    </message>
    <message>
        <source>input x gradient</source>
        <translation>输入×梯度</translation>
    </message>
    <message>
        <source>integrated gradients</source>
        <translation>积分梯度</translation>
    </message>
    <message>
        <source>label saliency</source>
        <translation>标签显著性</translation>
    </message>
    <message>
        <source>label input x gradient</source>
        <translation>标签输入×梯度</translation>
    </message>
    <message>
        <source>label integrated gradients</source>
        <translation>标签积分梯度</translation>
    </message>
    <message>
        <source>linear</source>
        <translation>线性</translation>
    </message>
    <message>
        <source>log</source>
        <translation>对数</translation>
    </message>
    <message>
        <source>global</source>
        <translation>全局</translation>
    </message>
    <message>
        <source>row</source>
        <translation>逐行</translation>
    </message>
    <message>
        <source>Copy a sequence of symbols: attention learns the diagonal.</source>
        <translation>复制一串符号：注意力学会对角线。</translation>
    </message>
    <message>
        <source>Reverse a sequence of symbols: attention learns the anti-diagonal.</source>
        <translation>反转一串符号：注意力学会反对角线。</translation>
    </message>
    <message>
        <source>Human-written dates in many formats to ISO 8601 (2021-03-03).</source>
        <translation>将多种格式的人工书写日期转换为 ISO 8601（2021-03-03）。</translation>
    </message>
    <message>
        <source>English to French from a controlled grammar: gender, agreement, adjective order, ne…pas.</source>
        <translation>基于受控语法的英译法：性、一致、形容词语序、ne…pas。</translation>
    </message>
    <message>
        <source>English to German from a controlled grammar: verb-second, verb-final clauses, separable verbs, case.</source>
        <translation>基于受控语法的英译德：动词第二位、动词后置从句、可分动词、格。</translation>
    </message>
    <message>
        <source>Chinese to English from a controlled grammar: measure words, time and place before the verb, 的 relative clauses, 不 / 没, 吗 questions.</source>
        <translation>中译英，来自受控语法：量词、时间和地点在动词前、“的”字关系从句、不 / 没、吗字疑问句。</translation>
    </message>
    <message>
        <source>English to Chinese from the zh-en grammar: measure words, time and place before the verb, 的 relative clauses, 不 / 没, 吗 questions.</source>
        <translation>英译中，来自 zh-en 的语法：量词、时间和地点在动词前、“的”字关系从句、不 / 没、吗字疑问句。</translation>
    </message>
    <message>
        <source>Premise / hypothesis pairs: entailment, neutral, contradiction from lexical relations.</source>
        <translation>前提 / 假设句对：由词汇关系产生的蕴含、中立、矛盾。</translation>
    </message>
    <message>
        <source>entailment</source>
        <translation>蕴含</translation>
    </message>
    <message>
        <source>neutral</source>
        <translation>中立</translation>
    </message>
    <message>
        <source>contradiction</source>
        <translation>矛盾</translation>
    </message>
    <message>
        <source>GRU/LSTM encoder-decoder with a fixed context vector (Sutskever et al. 2014; Cho et al. 2014)</source>
        <translation>使用固定上下文向量的 GRU/LSTM 编码器-解码器（Sutskever 等，2014；Cho 等，2014）</translation>
    </message>
    <message>
        <source>GRU encoder-decoder with additive attention over every encoder state (Bahdanau et al. 2015)</source>
        <translation>对每个编码器状态使用加性注意力的 GRU 编码器-解码器（Bahdanau 等，2015）</translation>
    </message>
    <message>
        <source>Bi-LSTM encoder, LSTM decoder with input feeding and global/local attention (Luong et al. 2015)</source>
        <translation>双向 LSTM 编码器，带输入馈送与全局/局部注意力的 LSTM 解码器（Luong 等，2015）</translation>
    </message>
    <message>
        <source>Transformer encoder-decoder (Vaswani et al. 2017)</source>
        <translation>Transformer 编码器-解码器（Vaswani 等，2017）</translation>
    </message>
    <message>
        <source>Decomposable attention: attend, compare, aggregate (Parikh et al. 2016)</source>
        <translation>可分解注意力：注意、比较、聚合（Parikh 等，2016）</translation>
    </message>
    <message>
        <source>Transformer encoder over [CLS] premise [SEP] hypothesis (Devlin et al. 2019)</source>
        <translation>作用于 [CLS] 前提 [SEP] 假设 的 Transformer 编码器（Devlin 等，2019）</translation>
    </message>
    <message>
        <source>attention type</source>
        <translation>注意力类型</translation>
    </message>
    <message>
        <source>bidirectional</source>
        <translation>双向</translation>
    </message>
    <message>
        <source>cell</source>
        <translation>单元</translation>
    </message>
    <message>
        <source>d model</source>
        <translation>模型维度</translation>
    </message>
    <message>
        <source>decoder layers</source>
        <translation>解码器层数</translation>
    </message>
    <message>
        <source>dropout</source>
        <translation>dropout 比率</translation>
    </message>
    <message>
        <source>embed size</source>
        <translation>嵌入维度</translation>
    </message>
    <message>
        <source>encoder layers</source>
        <translation>编码器层数</translation>
    </message>
    <message>
        <source>ff size</source>
        <translation>前馈层维度</translation>
    </message>
    <message>
        <source>freeze embeddings</source>
        <translation>冻结嵌入</translation>
    </message>
    <message>
        <source>hard</source>
        <translation>硬注意力</translation>
    </message>
    <message>
        <source>heads</source>
        <translation>头数</translation>
    </message>
    <message>
        <source>hidden size</source>
        <translation>隐藏层维度</translation>
    </message>
    <message>
        <source>intra attention</source>
        <translation>句内注意力</translation>
    </message>
    <message>
        <source>layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <source>max distance</source>
        <translation>最大距离</translation>
    </message>
    <message>
        <source>max len</source>
        <translation>最大长度</translation>
    </message>
    <message>
        <source>norm</source>
        <translation>归一化位置</translation>
    </message>
    <message>
        <source>num layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <source>positions</source>
        <translation>位置编码</translation>
    </message>
    <message>
        <source>reverse source</source>
        <translation>反转源序列</translation>
    </message>
    <message>
        <source>score</source>
        <translation>打分函数</translation>
    </message>
    <message>
        <source>share source embedding</source>
        <translation>共享源嵌入</translation>
    </message>
    <message>
        <source>tie embeddings</source>
        <translation>绑定嵌入</translation>
    </message>
    <message>
        <source>window</source>
        <translation>窗口</translation>
    </message>
    <message>
        <source>translation</source>
        <translation>翻译</translation>
    </message>
    <message>
        <source>nli</source>
        <translation>自然语言推理</translation>
    </message>
    <message>
        <source>English-French sentence pairs from Tatoeba (manythings.org), as in d2l.ai: fra.txt</source>
        <translation>来自 Tatoeba（manythings.org）的英法句对，与 d2l.ai 中相同：fra.txt</translation>
    </message>
    <message>
        <source>English-Chinese (Mandarin) sentence pairs from Tatoeba (manythings.org): cmn.txt</source>
        <translation>来自 Tatoeba（manythings.org）的英汉（普通话）句对：cmn.txt</translation>
    </message>
    <message>
        <source>Stanford Natural Language Inference 1.0: 570k premise/hypothesis pairs</source>
        <translation>斯坦福自然语言推理（SNLI）1.0：57 万个前提/假设句对</translation>
    </message>
    <message>
        <source>Multi-Genre NLI 1.0: 433k pairs, matched and mismatched dev sets</source>
        <translation>多体裁自然语言推理（MultiNLI）1.0：43.3 万个句对，含匹配与不匹配的开发集</translation>
    </message>
    <message>
        <source>Multi30k task 1: image captions in English, German, French, Czech (29k train)</source>
        <translation>Multi30k 任务 1：英语、德语、法语、捷克语的图像描述（2.9 万条训练数据）</translation>
    </message>
    <message>
        <source>GloVe 6B word vectors (Wikipedia 2014 + Gigaword 5): 400k words, 50-300 dims, 822 MB</source>
        <translation>GloVe 6B 词向量（Wikipedia 2014 + Gigaword 5）：40 万个词，50–300 维，822 MB</translation>
    </message>
</context>
<context>
    <name>TokenChips</name>
    <message>
        <source>{side} token {index}: &apos;{token}&apos;</source>
        <translation>{side}词元 {index}：“{token}”</translation>
    </message>
    <message>
        <source> · never seen in training</source>
        <translation> · 训练中从未出现</translation>
    </message>
</context>
<context>
    <name>TokenLinesView</name>
    <message>
        <source>no attention record</source>
        <translation>没有注意力记录</translation>
    </message>
    <message>
        <source>this record has no {map} map</source>
        <translation>此记录没有 {map} 注意力图</translation>
    </message>
    <message>
        <source> · opacity = weight · click a token to follow it</source>
        <translation> · 不透明度 = 权重 · 点击词元即可跟踪</translation>
    </message>
    <message>
        <source>{side} (queries)</source>
        <translation>{side}（查询）</translation>
    </message>
    <message>
        <source>{side} (keys)</source>
        <translation>{side}（键）</translation>
    </message>
</context>
<context>
    <name>TrainSession</name>
    <message>
        <source>choose the data and a model, then Start training</source>
        <translation>选择数据和模型，然后点击“开始训练”</translation>
    </message>
    <message>
        <source>not scored: {error}</source>
        <translation>未评分：{error}</translation>
    </message>
    <message>
        <source>scoring the test file…</source>
        <translation>正在对测试文件评分…</translation>
    </message>
    <message>
        <source>keeping your model &apos;{name}&apos;: this one is &apos;{new}&apos;</source>
        <translation>保留你的模型“{name}”：本次的模型为“{new}”</translation>
    </message>
    <message>
        <source>cannot start: {error}</source>
        <translation>无法开始：{error}</translation>
    </message>
    <message>
        <source>training {model} on {data} in {path}</source>
        <translation>正在 {path} 中用 {data} 训练 {model}</translation>
    </message>
    <message>
        <source>to train the same from a terminal: {command}</source>
        <translation>在终端中进行相同的训练：{command}</translation>
    </message>
    <message>
        <source>starting the training process and preparing the data…</source>
        <translation>正在启动训练进程并准备数据…</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>resumed</source>
        <translation>已继续</translation>
    </message>
    <message>
        <source>stopping: saving a checkpoint first</source>
        <translation>正在停止：先保存检查点</translation>
    </message>
    <message>
        <source>stopping after this step; saving the model…</source>
        <translation>将在本步之后停止；正在保存模型…</translation>
    </message>
    <message>
        <source>{summary}; saved on the model card</source>
        <translation>{summary}；已写入模型卡片</translation>
    </message>
    <message>
        <source>{summary} — saved on the model card</source>
        <translation>{summary} — 已写入模型卡片</translation>
    </message>
    <message>
        <source>training</source>
        <translation>正在训练</translation>
    </message>
    <message>
        <source>step {step}: checkpoint written to {path}</source>
        <translation>第 {step} 步：检查点已写入 {path}</translation>
    </message>
    <message>
        <source>stopped at step {step}: {metrics}</source>
        <translation>在第 {step} 步停止：{metrics}</translation>
    </message>
    <message>
        <source>finished at step {step}: {metrics}</source>
        <translation>在第 {step} 步完成：{metrics}</translation>
    </message>
    <message>
        <source>failed at step {step}: {reason}</source>
        <translation>在第 {step} 步失败：{reason}</translation>
    </message>
    <message>
        <source>model saved as {path}</source>
        <translation>模型已保存为 {path}</translation>
    </message>
    <message>
        <source>training failed: {error}</source>
        <translation>训练失败：{error}</translation>
    </message>
    <message>
        <source>saved &apos;{name}&apos; in your models — Inspect the model to open it</source>
        <translation>已将“{name}”保存到你的模型中 — 点击“检视模型”即可打开</translation>
    </message>
    <message>
        <source>the run ended without a checkpoint</source>
        <translation>运行结束，但没有检查点</translation>
    </message>
    <message>
        <source>the training process ended with exit code {code}</source>
        <translation>训练进程以退出码 {code} 结束</translation>
    </message>
</context>
<context>
    <name>TrainView</name>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Model and run</source>
        <translation>模型与运行</translation>
    </message>
    <message>
        <source>cannot start: {error}</source>
        <translation>无法开始：{error}</translation>
    </message>
    <message>
        <source>not started: </source>
        <translation>未开始：</translation>
    </message>
    <message>
        <source>The model is already there</source>
        <translation>模型已存在</translation>
    </message>
    <message>
        <source>

Replace it with the new model?</source>
        <translation>

要用新模型替换它吗？</translation>
    </message>
    <message>
        <source>Keep both (save as &apos;{name}&apos;)</source>
        <translation>两者都保留（另存为“{name}”）</translation>
    </message>
    <message>
        <source>Overwrite</source>
        <translation>覆盖</translation>
    </message>
    <message>
        <source>Choose a test file</source>
        <translation>选择测试文件</translation>
    </message>
    <message>
        <source>Training in progress</source>
        <translation>正在训练</translation>
    </message>
    <message>
        <source>A model is training. Stop it and close?

It is checkpointed and saved to your models first.</source>
        <translation>有模型正在训练。要停止训练并关闭吗？

它会先保存检查点，并保存到你的模型中。</translation>
    </message>
</context>
<context>
    <name>TrainWindow</name>
    <message>
        <source>Attention Workbench — Train</source>
        <translation>Attention Workbench — 训练</translation>
    </message>
    <message>
        <source>open {path} in Attention Workbench</source>
        <translation>在 Attention Workbench 中打开 {path}</translation>
    </message>
    <message>
        <source>saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
</context>
<context>
    <name>TranslatePanel</name>
    <message>
        <source>Type a sentence to translate…</source>
        <translation>输入要翻译的句子…</translation>
    </message>
    <message>
        <source>optional reference translation: the model is forced to produce it</source>
        <translation>可选的参考译文：模型将被强制生成它</translation>
    </message>
    <message>
        <source>greedy</source>
        <translation>贪心</translation>
    </message>
    <message>
        <source>beam width (greedy: 1)</source>
        <translation>束宽（贪心：1）</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>longest output in tokens (auto: twice the source + 10)</source>
        <translation>最长输出词元数（自动：源长度的两倍 + 10）</translation>
    </message>
    <message>
        <source>model read</source>
        <translation>模型读入</translation>
    </message>
    <message>
        <source>output · p</source>
        <translation>输出 · 概率</translation>
    </message>
    <message>
        <source>reference</source>
        <translation>参考译文</translation>
    </message>
    <message>
        <source>beam</source>
        <translation>束宽</translation>
    </message>
    <message>
        <source>max length</source>
        <translation>最大长度</translation>
    </message>
    <message>
        <source>(showing the beam&apos;s hypothesis {hypothesis} at step {step})</source>
        <translation>（显示束搜索第 {step} 步的假设 {hypothesis}）</translation>
    </message>
</context>
<context>
    <name>ViewsPanel</name>
    <message>
        <source>Heatmap</source>
        <translation>热力图</translation>
    </message>
    <message>
        <source>Heads grid</source>
        <translation>头网格</translation>
    </message>
    <message>
        <source>Token lines</source>
        <translation>词元连线</translation>
    </message>
    <message>
        <source>Decoding steps</source>
        <translation>解码步骤</translation>
    </message>
    <message>
        <source>Beam tree</source>
        <translation>束搜索树</translation>
    </message>
    <message>
        <source>Head importance</source>
        <translation>头重要性</translation>
    </message>
    <message>
        <source>Agreement</source>
        <translation>一致性</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>no models yet: File ▸ Open checkpoint…, or train one with `attention-workbench train transformer-en-fr`</source>
        <translation>还没有模型：使用 文件 ▸ 打开检查点…，或用 `attention-workbench train transformer-en-fr` 训练一个</translation>
    </message>
</context>
</TS>
