package match

import "strings"

// Han characters are compared natively. Pinyin is only weak evidence
// (companies in Hong Kong, Singapore and Malaysia use unrelated English
// names), so instead of a full dictionary dependency Tenderlens ships this
// compact hand-made table of characters common in company names, places
// and the most frequent surnames (simplified and traditional forms).
// Characters not in the table have no pinyin, which only weakens the
// weak evidence further.
const hanPinyinTable = `
北bei 京jing 上shang 海hai 深shen 圳zhen 广guang 廣guang 州zhou 香xiang 港gang 中zhong 国guo 國guo
际ji 際ji 科ke 技ji 术shu 術shu 贸mao 貿mao 易yi 实shi 實shi 业ye 業ye 集ji 团tuan 團tuan
有you 限xian 公gong 司si 责ze 責ze 任ren 股gu 份fen 电dian 電dian 子zi 信xin 息xi 网wang 網wang
络luo 絡luo 软ruan 軟ruan 件jian 发fa 發fa 展zhan 投tou 资zi 資zi 控kong 工gong 能neng 源yuan
华hua 華hua 为wei 為wei 东dong 東dong 方fang 南nan 西xi 大da 新xin 金jin 龙long 龍long 天tian
安an 和he 平ping 兴xing 興xing 盛sheng 泰tai 达da 達da 通tong 宏hong 丰feng 豐feng 利li 恒heng
鑫xin 汇hui 匯hui 联lian 聯lian 合he 星xing 光guang 明ming 辉hui 輝hui 德de 福fu 瑞rui 祥xiang
吉ji 康kang 永yong 昌chang 顺shun 順shun 宇yu 航hang 空kong 运yun 運yun 船chuan 舶bo 远yuan 遠yuan
洋yang 物wu 流liu 进jin 進jin 出chu 口kou 商shang 务wu 務wu 行hang 银yin 銀yin 保bao 险xian 險xian
证zheng 證zheng 券quan 基ji 机ji 機ji 械xie 设she 設she 备bei 備bei 化hua 石shi 油you 矿kuang
礦kuang 钢gang 鋼gang 铁tie 鐵tie 建jian 筑zhu 築zhu 计ji 計ji 医yi 醫yi 药yao 藥yao 生sheng
食shi 品pin 农nong 農nong 汽qi 车che 車che 数shu 數shu 据ju 據ju 云yun 雲yun 智zhi 防fang 视shi
視shi 频pin 頻pin 监jian 監jian 识shi 識shi 别bie 別bie 人ren 脸lian 臉lian 指zhi 纹wen 紋wen
图tu 圖tu 像xiang 芯xin 片pian 半ban 导dao 導dao 体ti 體ti 学xue 學xue 仪yi 儀yi 器qi 精jing
密mi 沈shen 忠zhong 制zhi 造zao 销xiao 銷xiao 售shou 服fu 管guan 理li 咨zi 询xun 詢xun 顾gu 顧gu
问wen 問wen 代dai 码ma 碼ma 系xi 统tong 統tong 安an 全quan 加jia 密mi 锦jin 錦jin 江jiang 河he
山shan 川chuan 湖hu 岛dao 島dao 苏su 蘇su 浙zhe 闽min 閩min 粤yue 粵yue 鲁lu 魯lu 辽liao 遼liao
吉ji 黑hei 宁ning 寧ning 沪hu 津jin 渝yu 蜀shu 台tai 臺tai 湾wan 灣wan 澳ao 门men 門men 丹dan
连lian 連lian 青qing 岛dao 武wu 汉han 漢han 成cheng 都du 杭hang 重chong 庆qing 慶qing 厦xia 廈xia
朝chao 鲜xian 鮮xian 韩han 韓han 俄e 罗luo 羅luo 斯si 美mei 英ying 日ri 本ben 亚ya 亞ya 欧ou 歐ou
洲zhou 非fei 王wang 李li 张zhang 張zhang 刘liu 劉liu 陈chen 陳chen 杨yang 楊yang 黄huang 黃huang
赵zhao 趙zhao 吴wu 吳wu 周zhou 徐xu 孙sun 孫sun 马ma 馬ma 朱zhu 胡hu 郭guo 何he 高gao 林lin
郑zheng 鄭zheng 梁liang 谢xie 謝xie 宋song 唐tang 许xu 許xu 韩han 冯feng 馮feng 邓deng 鄧deng
曹cao 彭peng 曾zeng 肖xiao 田tian 董dong 袁yuan 潘pan 于yu 蒋jiang 蔣jiang 蔡cai 余yu 杜du 叶ye
葉ye 程cheng 魏wei 苏su 吕lv 呂lv 丁ding 任ren 卢lu 盧lu 姚yao 钟zhong 鍾zhong 姜jiang 崔cui 谭tan
譚tan 陆lu 陸lu 范fan 汪wang 廖liao 石shi 金jin 韦wei 韋wei 贾jia 賈jia 夏xia 付fu 方fang 邹zou
熊xiong 白bai 孟meng 秦qin 邱qiu 侯hou 江jiang 尹yin 薛xue 闫yan 段duan 雷lei 龙long 黎li 史shi
陶tao 贺he 賀he 毛mao 郝hao 顾gu 龚gong 邵shao 万wan 萬wan 覃qin 武wu 钱qian 錢qian 戴dai 严yan
嚴yan 莫mo 孔kong 向xiang 常chang 习xi 習xi 近jin 泽ze 澤ze 民min 锋feng 鋒feng 强qiang 強qiang
伟wei 偉wei 军jun 軍jun 勇yong 杰jie 傑jie 涛tao 濤tao 超chao 峰feng 磊lei 鹏peng 鵬peng 辉hui
红hong 紅hong 英ying 玉yu 秀xiu 丽li 麗li 静jing 靜jing 敏min 燕yan 芳fang 娟juan 霞xia 梅mei
一yi 二er 三san 四si 五wu 六liu 七qi 八ba 九jiu 十shi 百bai 千qian 万wan 亿yi 億yi 第di 号hao 號hao
总zong 總zong 局ju 部bu 厂chang 廠chang 所suo 院yuan 站zhan 处chu 處chu 会hui 會hui 社she 组zu
組zu 协xie 協xie 委wei 员yuan 員yuan 政zheng 府fu 省sheng 市shi 县xian 縣xian 区qu 區qu 镇zhen
鎮zhen 村cun 路lu 街jie 号hao 楼lou 樓lou 室shi 层ceng 層ceng 座zuo 园yuan 園yuan 城cheng 广guang
宝bao 寶bao 富fu 贵gui 貴gui 荣rong 榮rong 耀yao 振zhen 鸿hong 鴻hong 博bo 创chuang 創chuang
开kai 開kai 拓tuo 众zhong 眾zhong 诚cheng 誠cheng 佳jia 美mei 优you 優you 卓zhuo 越yue 飞fei 飛fei
腾teng 騰teng 讯xun 訊xun 阿a 里li 巴ba 百bai 度du 京jing 小xiao 米mi 为wei 海hai 康kang 威wei
视shi 大da 疆jiang 商shang 汤tang 湯tang 旷kuang 曠kuang 依yi 图tu 云yun 从cong 從cong 浪lang 潮chao
`

var hanPinyin = func() map[rune]string {
	m := make(map[rune]string, 700)
	for _, f := range strings.Fields(hanPinyinTable) {
		rs := []rune(f)
		if len(rs) < 2 {
			continue
		}
		if _, dup := m[rs[0]]; !dup {
			m[rs[0]] = string(rs[1:])
		}
	}
	return m
}()

// hanPinyinSyllables returns the pinyin of each character of a Han token,
// or nil when any character is missing from the table.
func hanPinyinSyllables(tok string) []string {
	var out []string
	for _, r := range tok {
		p, ok := hanPinyin[r]
		if !ok {
			return nil
		}
		out = append(out, p)
	}
	return out
}
