//! The 194 countries: code, top-level domain, flag ratio (height:width), name, and a
//! simplified flag design, one line each.
//!
//! Design language (read by `render.rs`): layers separated by `|`, painted in order.
//! Colours are single letters (see `render::colour`). Positions are fractions of the
//! current frame (x of its width, y of its height); sizes are fractions of its height.
//!
//! | layer | meaning |
//! | --- | --- |
//! | `h RWR` / `v GWR` | equal horizontal / vertical stripes; repeat a letter for a wider stripe |
//! | `r C x0 y0 x1 y1` | rectangle |
//! | `p C x,y x,y ...` | polygon |
//! | `o C cx cy r` | disc |
//! | `s C cx cy r` | five-point star |
//! | `x C cx w` | Nordic cross, vertical bar centred at `cx`, bars `w` wide |
//! | `+ C w l` | centred cross, bars `w` wide and `l` long |
//! | `X C w` / `/ C w` / `\ C w` | saltire / rising diagonal band / falling diagonal band |
//! | `t C d` | triangle at the hoist, reaching `d` of the width |
//! | `d C m` | rhombus, `m` from the edges |
//! | `z C x0 x1 n` | hoist panel up to `x0` with a serrated edge of `n` points reaching `x1` |
//! | `j` | Union Jack |
//! | `@ x0 y0 x1 y1` / `@` | paint the next layers inside this part of the flag (clipped) / the whole flag again |

pub(crate) const TABLE: &str = r"
AD .ad 7:10 Andorra = v BYR | o O .5 .5 .12
AE .ae 1:2 United Arab Emirates = h GWK | r R 0 0 .25 1
AF .af 2:3 Afghanistan = v KRG | o W .5 .5 .13 | o R .5 .5 .1
AG .ag 2:3 Antigua and Barbuda = h R | p K 0,0 1,0 .5,1 | o Y .5 .28 .14 | r K 0 .2 1 .4 | p B .2,.4 .8,.4 .65,.7 .35,.7 | p W .35,.7 .65,.7 .5,1
AL .al 5:7 Albania = h R | p K .5,.15 .7,.3 .62,.5 .58,.85 .42,.85 .38,.5 .3,.3
AM .am 1:2 Armenia = h RBO
AO .ao 2:3 Angola = h RK | o Y .5 .5 .2 | o R .53 .47 .16 | s Y .45 .45 .08
AR .ar 5:8 Argentina = h SWS | o Y .5 .5 .11
AT .at 2:3 Austria = h RWR
AU .au 1:2 Australia = h N | @ 0 0 .5 .5 | j | @ | s W .25 .75 .14 | s W .75 .2 .06 | s W .63 .45 .06 | s W .75 .82 .07 | s W .87 .4 .06
AZ .az 1:2 Azerbaijan = h CRG | o W .47 .5 .15 | o R .5 .5 .12 | s W .59 .5 .07
BA .ba 1:2 Bosnia and Herzegovina = h B | p Y .28,0 .78,0 .78,1 | s W .24 .1 .05 | s W .34 .3 .05 | s W .44 .5 .05 | s W .54 .7 .05 | s W .64 .9 .05
BB .bb 2:3 Barbados = v BYB | r K .48 .3 .52 .78 | p K .38,.3 .42,.3 .44,.5 .56,.5 .58,.3 .62,.3 .6,.55 .4,.55
BD .bd 3:5 Bangladesh = h D | o R .45 .5 .3
BE .be 13:15 Belgium = v KYR
BF .bf 2:3 Burkina Faso = h RG | s Y .5 .5 .17
BG .bg 3:5 Bulgaria = h WGR
BH .bh 3:5 Bahrain = h R | z W .25 .38 5
BI .bi 3:5 Burundi = h R | p G 0,0 .5,.5 0,1 | p G 1,0 .5,.5 1,1 | X W .15 | o W .5 .5 .28 | s R .5 .42 .07 | s R .44 .56 .07 | s R .56 .56 .07
BJ .bj 2:3 Benin = h YR | r G 0 0 .4 1
BN .bn 1:2 Brunei = h Y | \ W .3 | \ K .14 | o R .5 .5 .2 | o Y .5 .47 .12
BO .bo 2:3 Bolivia = h RYG
BR .br 7:10 Brazil = h G | d Y .12 | o N .5 .5 .25 | p W .29,.45 .7,.52 .7,.57 .29,.5
BS .bs 1:2 Bahamas = h CYC | t K .4
BT .bt 2:3 Bhutan = h O | p Y 0,0 1,0 0,1 | o W .5 .5 .2 | o O .5 .5 .1
BW .bw 2:3 Botswana = h SSSSSSSSSWKKKKWSSSSSSSSS
BY .by 1:2 Belarus = h RRG | r W 0 0 .11 1 | r R .03 0 .08 1
BZ .bz 3:5 Belize = h RBBBBBBBBBBR | o W .5 .5 .3 | o G .5 .5 .26 | o W .5 .5 .2
CA .ca 1:2 Canada = v RWWR | s R .5 .47 .32 | r R .49 .6 .51 .82
CD .cd 3:4 Democratic Republic of the Congo = h L | / Y .35 | / R .25 | s Y .17 .23 .14
CF .cf 2:3 Central African Republic = h BWGY | r R .42 0 .58 1 | s Y .13 .12 .09
CG .cg 2:3 Congo = h R | p G 0,0 1,0 0,1 | / Y .3
CH .ch 1:1 Switzerland = h R | + W .19 .63
CI .ci 2:3 Côte d'Ivoire = v OWG
CL .cl 2:3 Chile = h WR | r B 0 0 .333 .5 | s W .167 .25 .15
CM .cm 2:3 Cameroon = v GRY | s Y .5 .5 .14
CN .cn 2:3 China = h R | s Y .167 .25 .15 | s Y .333 .1 .05 | s Y .4 .2 .05 | s Y .4 .35 .05 | s Y .333 .45 .05
CO .co 2:3 Colombia = h YYBR
CR .cr 3:5 Costa Rica = h BWRRWB
CU .cu 1:2 Cuba = h BWBWB | t R .43 | s W .14 .5 .13
CV .cv 3:5 Cape Verde = h BBBBBBWRWBBB | s Y .37 .4 .04 | s Y .3 .58 .04 | s Y .37 .76 .04 | s Y .44 .58 .04
CY .cy 2:3 Cyprus = h W | p O .25,.45 .45,.33 .62,.3 .78,.25 .7,.4 .5,.5 .35,.52 | p G .4,.66 .5,.7 .6,.66 .5,.74
CZ .cz 2:3 Czechia = h WR | t B .5
DE .de 3:5 Germany = h KRY
DJ .dj 2:3 Djibouti = h SG | t W .5 | s R .17 .5 .1
DK .dk 28:37 Denmark = h R | x W .378 .143
DM .dm 1:2 Dominica = h G | + Y .2 9 | + K .13 9 | + W .06 9 | o R .5 .5 .25 | s G .5 .5 .1
DZ .dz 2:3 Algeria = v GW | o R .5 .5 .25 | o W .55 .5 .2 | s R .6 .5 .1
EC .ec 2:3 Ecuador = h YYBR | o O .5 .5 .14 | o S .5 .5 .08
EE .ee 7:11 Estonia = h LKW
EG .eg 2:3 Egypt = h RWK | p O .46,.38 .54,.38 .56,.62 .44,.62
ER .er 1:2 Eritrea = h GB | p R 0,0 1,.5 0,1 | o Y .25 .5 .18 | o R .25 .5 .14
ES .es 2:3 Spain = h RYYR | r R .27 .38 .35 .6 | r O .27 .33 .35 .38
ET .et 1:2 Ethiopia = h GYR | o B .5 .5 .25 | s Y .5 .5 .2
FI .fi 11:18 Finland = h W | x B .361 .273
FJ .fj 1:2 Fiji = h S | @ 0 0 .5 .5 | j | @ | r W .65 .3 .85 .72 | r R .65 .3 .85 .42
FM .fm 10:19 Micronesia = h S | s W .5 .2 .1 | s W .5 .8 .1 | s W .36 .5 .1 | s W .64 .5 .1
FR .fr 2:3 France = v BWR
GA .ga 3:4 Gabon = h GYL
GB .uk 1:2 United Kingdom = j
GD .gd 3:5 Grenada = h R | @ .08 .12 .92 .88 | h Y | p G 0,0 .5,.5 0,1 | p G 1,0 .5,.5 1,1 | @ | o R .5 .5 .15 | s Y .5 .5 .1 | s Y .2 .05 .05 | s Y .5 .05 .05 | s Y .8 .05 .05 | s Y .2 .95 .05 | s Y .5 .95 .05 | s Y .8 .95 .05
GE .ge 2:3 Georgia = h W | + R .2 9 | @ 0 0 .5 .5 | + R .1 .5 | @ .5 0 1 .5 | + R .1 .5 | @ 0 .5 .5 1 | + R .1 .5 | @ .5 .5 1 1 | + R .1 .5
GH .gh 2:3 Ghana = h RYG | s K .5 .5 .17
GM .gm 2:3 Gambia = h RRRRRRWBBBBWGGGGGG
GN .gn 2:3 Guinea = v RYG
GQ .gq 2:3 Equatorial Guinea = h GWR | t B .2 | o E .5 .5 .1
GR .gr 2:3 Greece = h BWBWBWBWB | @ 0 0 .37 .556 | h B | + W .2 9
GT .gt 5:8 Guatemala = v SWS | o G .5 .5 .13 | o W .5 .5 .09
GW .gw 1:2 Guinea-Bissau = h YG | r R 0 0 .333 1 | s K .167 .5 .15
GY .gy 3:5 Guyana = h G | p W 0,0 1,.5 0,1 | p Y 0,.04 .94,.5 0,.96 | p K 0,0 .5,.5 0,1 | p R 0,.05 .45,.5 0,.95
HN .hn 1:2 Honduras = h LWL | s L .5 .5 .07 | s L .38 .4 .07 | s L .62 .4 .07 | s L .38 .6 .07 | s L .62 .6 .07
HR .hr 1:2 Croatia = h RWB | p W .43,.28 .57,.28 .57,.55 .5,.65 .43,.55 | r R .43 .28 .47 .36 | r R .51 .28 .55 .36 | r R .47 .36 .51 .44 | r R .55 .36 .57 .44 | r R .43 .44 .47 .52 | r R .51 .44 .55 .52
HT .ht 3:5 Haiti = h BR | r W .38 .35 .62 .65 | o G .5 .5 .08
HU .hu 1:2 Hungary = h RWG
ID .id 2:3 Indonesia = h RW
IE .ie 1:2 Ireland = v GWO
IL .il 8:11 Israel = h WWWBBBBBWWWWWWWWWWWWWWWWBBBBBWWW | p B .5,.3 .6,.6 .4,.6 | p B .5,.7 .4,.4 .6,.4 | p W .5,.37 .565,.56 .435,.56 | p W .5,.63 .435,.44 .565,.44
IN .in 2:3 India = h OWG | o N .5 .5 .14 | o W .5 .5 .12 | o N .5 .5 .03
IQ .iq 2:3 Iraq = h RWK | r G .32 .45 .68 .55
IR .ir 4:7 Iran = h GWR | o R .5 .5 .1 | o W .5 .5 .06
IS .is 18:25 Iceland = h B | x W .36 .222 | x R .36 .111
IT .it 2:3 Italy = v GWR
JM .jm 1:2 Jamaica = h G | p K 0,0 .5,.5 0,1 | p K 1,0 .5,.5 1,1 | X Y .14
JO .jo 1:2 Jordan = h KWG | t R .5 | s W .18 .5 .07
JP .jp 2:3 Japan = h W | o R .5 .5 .3
KE .ke 2:3 Kenya = h KKKKKKWRRRRWGGGGGG | p W .5,.15 .57,.5 .5,.85 .43,.5 | p R .5,.2 .555,.5 .5,.8 .445,.5
KG .kg 3:5 Kyrgyzstan = h R | o Y .5 .5 .3 | o R .5 .5 .17 | o Y .5 .5 .13
KH .kh 2:3 Cambodia = h BRRB | p W .33,.65 .67,.65 .62,.45 .57,.4 .5,.3 .43,.4 .38,.45
KI .ki 1:2 Kiribati = h R | o Y .5 .5 .22 | @ 0 .5 1 1 | h BWBWBW
KM .km 3:5 Comoros = h YWRL | t G .45 | o W .14 .5 .22 | o G .2 .5 .2 | s W .2 .3 .05 | s W .23 .43 .05 | s W .23 .57 .05 | s W .2 .7 .05
KN .kn 2:3 Saint Kitts and Nevis = h R | p G 0,0 1,0 0,1 | / Y .38 | / K .26 | s W .35 .62 .08 | s W .65 .38 .08
KP .kp 1:2 North Korea = h BBBWRRRRRRRWBBB | o W .35 .5 .2 | s R .35 .5 .19
KR .kr 2:3 South Korea = h W | o R .5 .5 .25 | @ 0 .5 1 1 | o B .5 0 .5 | @ | r K .16 .16 .26 .3 | r K .74 .16 .84 .3 | r K .16 .7 .26 .84 | r K .74 .7 .84 .84
KW .kw 1:2 Kuwait = h GWR | p K 0,0 .25,.333 .25,.667 0,1
KZ .kz 1:2 Kazakhstan = h C | o Y .5 .42 .2 | p Y .35,.72 .65,.72 .5,.64 | r Y .04 0 .09 1
LA .la 2:3 Laos = h RBBR | o W .5 .5 .2
LB .lb 2:3 Lebanon = h RWWR | p G .5,.28 .6,.5 .56,.5 .64,.66 .36,.66 .44,.5 .4,.5 | r G .48 .64 .52 .72
LC .lc 1:2 Saint Lucia = h S | p W .5,.12 .7,.88 .3,.88 | p K .5,.2 .66,.88 .34,.88 | p Y .5,.5 .7,.88 .3,.88
LI .li 3:5 Liechtenstein = h BR | p Y .14,.18 .18,.26 .22,.18 .26,.26 .3,.18 .3,.36 .14,.36
LK .lk 1:2 Sri Lanka = h Y | r G .05 .07 .17 .93 | r O .17 .07 .29 .93 | r M .33 .07 .95 .93 | p Y .5,.3 .75,.3 .78,.5 .75,.7 .5,.7 .45,.5
LR .lr 10:19 Liberia = h RWRWRWRWRWR | @ 0 0 .25 .4545 | h N | s W .5 .5 .3
LS .ls 2:3 Lesotho = h BBBWWWWGGG | p K .5,.36 .57,.6 .43,.6
LT .lt 3:5 Lithuania = h YDR
LU .lu 3:5 Luxembourg = h RWS
LV .lv 1:2 Latvia = h MMWMM
LY .ly 1:2 Libya = h RKKG | o W .48 .5 .13 | o K .5 .5 .11 | s W .56 .5 .05
MA .ma 2:3 Morocco = h R | s G .5 .5 .3 | s R .5 .5 .2
MC .mc 4:5 Monaco = h RW
MD .md 1:2 Moldova = v BYR | p O .45,.3 .55,.3 .55,.6 .5,.7 .45,.6
ME .me 1:2 Montenegro = h Y | @ .04 .06 .96 .94 | h R | @ | p Y .5,.22 .62,.36 .58,.72 .42,.72 .38,.36
MG .mg 2:3 Madagascar = h RG | r W 0 0 .333 1
MH .mh 10:19 Marshall Islands = h B | p O 0,1 1,.3 1,.55 | p W 0,1 1,.04 1,.28 | s W .22 .28 .16
MK .mk 1:2 North Macedonia = h R | p Y .5,.5 .1,0 0,0 0,.15 | p Y .5,.5 .9,0 1,0 1,.15 | p Y .5,.5 .1,1 0,1 0,.85 | p Y .5,.5 .9,1 1,1 1,.85 | p Y .5,.5 .45,0 .55,0 | p Y .5,.5 .45,1 .55,1 | p Y .5,.5 0,.42 0,.58 | p Y .5,.5 1,.42 1,.58 | o R .5 .5 .2 | o Y .5 .5 .16
ML .ml 2:3 Mali = v GYR
MM .mm 2:3 Myanmar = h YGR | s W .5 .55 .45
MN .mn 1:2 Mongolia = v RBR | r Y .12 .32 .22 .82 | o Y .17 .22 .06
MR .mr 2:3 Mauritania = h RGGGGGGGGR | o Y .5 .42 .28 | o G .5 .32 .26 | s Y .5 .3 .1
MT .mt 2:3 Malta = v WR | r E .06 .07 .16 .22
MU .mu 2:3 Mauritius = h RBYG
MV .mv 2:3 Maldives = h R | r G .25 .25 .75 .75 | o W .52 .5 .17 | o G .57 .5 .15
MW .mw 2:3 Malawi = h KRG | @ 0 0 1 .333 | o R .5 1 .6
MX .mx 4:7 Mexico = v GWR | o O .5 .5 .13 | o G .5 .56 .05
MY .my 1:2 Malaysia = h RWRWRWRWRWRWRW | @ 0 0 .5 .571 | h N | o Y .35 .5 .35 | o N .42 .5 .3 | s Y .7 .5 .25
MZ .mz 2:3 Mozambique = h GGGWKKKWYYY | t R .4 | s Y .15 .5 .12
NA .na 2:3 Namibia = h G | p B 0,0 1,0 0,1 | / W .36 | / R .26 | o Y .2 .25 .12
NE .ne 6:7 Niger = h OWG | o O .5 .5 .14
NG .ng 1:2 Nigeria = v GWG
NI .ni 3:5 Nicaragua = h LWL | p L .5,.4 .57,.58 .43,.58
NL .nl 2:3 Netherlands = h RWB
NO .no 8:11 Norway = h R | x W .364 .25 | x N .364 .125
NP .np 11:9 Nepal = h W | p N 0,0 .78,.54 .34,.54 .84,1 0,1 | p R .03,.06 .68,.51 .24,.51 .74,.97 .03,.97 | o W .22 .78 .1 | o W .22 .35 .07
NR .nr 1:2 Nauru = h NNNNNYNNNNN | s W .25 .72 .12
NZ .nz 1:2 New Zealand = h N | @ 0 0 .5 .5 | j | @ | s R .75 .22 .06 | s R .67 .48 .06 | s R .85 .44 .05 | s R .75 .8 .07
OM .om 1:2 Oman = h WRG | r R 0 0 .25 1 | o W .12 .15 .06
PA .pa 2:3 Panama = h W | r R .5 0 1 .5 | r B 0 .5 .5 1 | s B .25 .25 .12 | s R .75 .75 .12
PE .pe 2:3 Peru = v RWR
PG .pg 3:4 Papua New Guinea = h R | p K 0,0 1,1 0,1 | s W .25 .55 .06 | s W .16 .7 .06 | s W .33 .7 .06 | s W .25 .85 .06 | p Y .58,.2 .8,.18 .72,.35 .62,.32
PH .ph 1:2 Philippines = h BR | t W .433 | o Y .15 .5 .09 | s Y .05 .1 .04 | s Y .05 .9 .04 | s Y .36 .5 .04
PK .pk 2:3 Pakistan = h D | r W 0 0 .25 1 | o W .62 .5 .3 | o D .67 .44 .26 | s W .73 .37 .08
PL .pl 5:8 Poland = h WR
PT .pt 2:3 Portugal = v GGRRR | o Y .4 .5 .2 | r R .35 .36 .45 .64 | r W .37 .42 .43 .58
PW .pw 5:8 Palau = h C | o Y .45 .5 .3
PY .py 3:5 Paraguay = h RWB | o G .5 .5 .1 | o W .5 .5 .08
QA .qa 11:28 Qatar = h M | z W .25 .35 9
RO .ro 2:3 Romania = v BYR
RS .rs 2:3 Serbia = h RBW | p R .22,.22 .38,.22 .38,.6 .3,.72 .22,.6 | p W .27,.3 .33,.3 .33,.5 .27,.5
RU .ru 2:3 Russia = h WBR
RW .rw 2:3 Rwanda = h CCYG | o Y .82 .25 .12
SA .sa 2:3 Saudi Arabia = h D | r W .28 .25 .72 .5 | r W .25 .65 .75 .7 | r W .22 .6 .25 .7
SB .sb 1:2 Solomon Islands = h G | p B 0,0 1,0 0,1 | / Y .1 | s W .1 .1 .05 | s W .3 .1 .05 | s W .2 .22 .05 | s W .1 .34 .05 | s W .3 .34 .05
SC .sc 1:2 Seychelles = h G | p B 0,1 0,0 .333,0 | p Y 0,1 .333,0 .667,0 | p R 0,1 .667,0 1,0 1,.333 | p W 0,1 1,.333 1,.667
SD .sd 1:2 Sudan = h RWK | t G .33
SE .se 5:8 Sweden = h L | x Y .375 .2
SG .sg 2:3 Singapore = h RW | o W .2 .25 .16 | o R .25 .25 .15 | s W .3 .13 .04 | s W .37 .2 .04 | s W .35 .33 .04 | s W .25 .33 .04 | s W .23 .2 .04
SI .si 1:2 Slovenia = h WBR | p B .2,.15 .35,.15 .35,.38 .275,.48 .2,.38 | p W .23,.25 .275,.33 .32,.25 .32,.37 .23,.37
SK .sk 2:3 Slovakia = h WBR | p W .2,.2 .45,.2 .45,.6 .325,.8 .2,.6 | p R .22,.23 .43,.23 .43,.6 .325,.77 .22,.6 | r W .315 .28 .335 .62 | r W .27 .38 .38 .43 | r W .28 .5 .37 .55 | o B .325 .68 .06
SL .sl 2:3 Sierra Leone = h GWL
SM .sm 3:4 San Marino = h WS | o Y .5 .5 .14 | o G .5 .5 .1
SN .sn 2:3 Senegal = v GYR | s G .5 .5 .15
SO .so 2:3 Somalia = h S | s W .5 .5 .28
SR .sr 2:3 Suriname = h GGWRRRRWGG | s Y .5 .5 .2
SS .ss 1:2 South Sudan = h KKKWRRRWGGG | t B .35 | s Y .12 .5 .12
ST .st 1:2 São Tomé and Príncipe = h GYYG | t R .25 | s K .5 .5 .12 | s K .75 .5 .12
SV .sv 3:5 El Salvador = h LWL | o Y .5 .5 .11 | o W .5 .5 .08
SY .sy 2:3 Syria = h RWK | s G .35 .5 .1 | s G .65 .5 .1
SZ .sz 2:3 Eswatini = h BBBYRRRRRRYBBB | p W .3,.5 .5,.36 .7,.5 .5,.64 | p K .5,.36 .7,.5 .5,.64
TD .td 2:3 Chad = v NYR
TG .tg 5:8 Togo = h GYGYG | @ 0 0 .375 .6 | h R | s W .5 .5 .3
TH .th 2:3 Thailand = h RWNNWR
TJ .tj 1:2 Tajikistan = h RRWWWGG | p Y .45,.42 .47,.48 .5,.42 .53,.48 .55,.42 .55,.54 .45,.54
TL .tl 1:2 Timor-Leste = h R | t Y .5 | t K .333 | s W .12 .5 .1
TM .tm 2:3 Turkmenistan = h G | r R .12 0 .27 1 | o W .38 .25 .12 | o G .41 .23 .11
TN .tn 2:3 Tunisia = h R | o W .5 .5 .25 | o R .5 .5 .19 | o W .55 .5 .15 | s R .53 .5 .1
TO .to 1:2 Tonga = h R | @ 0 0 .4 .5 | h W | + R .2 .8
TR .tr 2:3 Turkey = h R | o W .36 .5 .25 | o R .4 .5 .2 | s W .53 .5 .12
TT .tt 3:5 Trinidad and Tobago = h R | \ W .35 | \ K .27
TV .tv 1:2 Tuvalu = h S | @ 0 0 .5 .5 | j | @ | s Y .6 .7 .05 | s Y .75 .55 .05 | s Y .9 .3 .05 | s Y .85 .75 .05 | s Y .7 .88 .05
TW .tw 2:3 Taiwan = h R | @ 0 0 .5 .5 | h N | s W .5 .5 .42 | o W .5 .5 .24 | o N .5 .5 .2 | o W .5 .5 .17
TZ .tz 2:3 Tanzania = h C | p G 0,0 1,0 0,1 | / Y .4 | / K .3
UA .ua 2:3 Ukraine = h LY
UG .ug 2:3 Uganda = h KYRKYR | o W .5 .5 .2 | p K .48,.38 .55,.42 .52,.62 .46,.6
US .us 10:19 United States = h RWRWRWRWRWRWR | @ 0 0 .4 .5385 | h N | s W .1 .12 .06 | s W .3 .12 .06 | s W .5 .12 .06 | s W .7 .12 .06 | s W .9 .12 .06 | s W .2 .37 .06 | s W .4 .37 .06 | s W .6 .37 .06 | s W .8 .37 .06 | s W .1 .62 .06 | s W .3 .62 .06 | s W .5 .62 .06 | s W .7 .62 .06 | s W .9 .62 .06 | s W .2 .87 .06 | s W .4 .87 .06 | s W .6 .87 .06 | s W .8 .87 .06
UY .uy 2:3 Uruguay = h WSWSWSWSW | @ 0 0 .4 .5556 | h W | o Y .5 .5 .3
UZ .uz 1:2 Uzbekistan = h SSSSSSSSSSRWWWWWWWWRGGGGGGGGGG | o W .12 .16 .1 | o S .15 .16 .09 | s W .25 .1 .03 | s W .3 .2 .03 | s W .35 .1 .03
VA .va 1:1 Vatican City = v YW | p O .6,.4 .82,.72 .78,.75 .56,.43 | p E .82,.4 .6,.72 .64,.75 .86,.43
VC .vc 2:3 Saint Vincent and the Grenadines = v BYYG | p G .42,.5 .46,.4 .5,.5 .46,.6 | p G .54,.5 .58,.4 .62,.5 .58,.6 | p G .48,.65 .52,.55 .56,.65 .52,.75
VE .ve 2:3 Venezuela = h YBR | s W .35 .55 .04 | s W .4 .47 .04 | s W .46 .42 .04 | s W .54 .42 .04 | s W .6 .47 .04 | s W .65 .55 .04
VN .vn 2:3 Vietnam = h R | s Y .5 .5 .3
VU .vu 3:5 Vanuatu = h RG | p K 0,0 .5,.4 1,.4 1,.6 .5,.6 0,1 | p Y 0,.06 .5,.45 1,.45 1,.55 .5,.55 0,.94 | t K .38 | o Y .13 .5 .1
WS .ws 1:2 Samoa = h R | @ 0 0 .5 .5 | h N | s W .5 .22 .1 | s W .3 .48 .1 | s W .7 .42 .1 | s W .5 .76 .12
YE .ye 2:3 Yemen = h RWK
ZA .za 2:3 South Africa = h RB | p W 0,0 .16,0 .52,.33 1,.33 1,.67 .52,.67 .16,1 0,1 | p G 0,0 .07,0 .47,.4 1,.4 1,.6 .47,.6 .07,1 0,1 | t Y .36 | t K .29
ZM .zm 2:3 Zambia = h G | @ .6 .35 1 1 | v RKO | @ | o O .85 .2 .07
ZW .zw 1:2 Zimbabwe = h GYRKRYG | t K .5 | t W .45 | s R .15 .5 .12
";
